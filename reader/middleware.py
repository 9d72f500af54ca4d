from .views import database_unavailable, is_database_unavailable


class DatabaseUnavailableMiddleware:
    """Answer a lost or refused database connection with the 503 page, never a 500.

    Views reach the database lazily, so the error surfaces here; one raised by a
    middleware further out reaches `handler500`, which gives the same page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            return database_unavailable(request)
        return None
