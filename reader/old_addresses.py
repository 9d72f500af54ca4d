"""Old addresses of imported stories (“/2024/05/my-story/”, “/?p=123”) answer 301 to the story, while it is live.

Ordinary pages pay nothing: the lookup runs only for a page that would be a 404, and for the
home page asked with WordPress's `?p=<id>`. It is one indexed query through `Article.objects.live()`,
so an address never reveals a story readers may not see: a story that is not live stays a 404.
"""

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.cache import patch_cache_control

from articles.models import Article

READ_METHODS = {"GET", "HEAD"}
MAX_POST_ID_DIGITS = 19


def live_slug_for(paths):
    """The slug of the live story that had one of these old paths, or None."""
    paths = [path for path in paths if "\x00" not in path]  # never an old address; PostgreSQL refuses NUL
    if not paths:
        return None
    return Article.objects.live().filter(old_addresses__path__in=paths).values_list("slug", flat=True).first()


def other_form(path):
    """The path with its trailing slash added or removed: old links are found either way."""
    return path[:-1] if path.endswith("/") and len(path) > 1 else f"{path}/"


class OldAddressMiddleware:
    """Redirect a story's old address to its page.

    Inside the page cache, which stores neither a redirect nor a 404; a home page it stored for
    `/?p=<id>` before the story went live shows every list, so the story going live invalidates it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in READ_METHODS and request.path.endswith("/") and not self.is_desk(request.path):
            post = request.GET.get("p", "")
            is_post_id = post.isascii() and post.isdigit() and len(post) <= MAX_POST_ID_DIGITS
            if is_post_id and (redirect := self.redirect([f"{request.path}?p={int(post)}"])):
                return redirect
        response = self.get_response(request)
        if response.status_code == 404 and request.method in READ_METHODS:
            return self.redirect([request.path, other_form(request.path)]) or response
        return response

    @staticmethod
    def is_desk(path):
        # The desk paginates with ?p= too; its pages never carry old addresses.
        return any(path.startswith(prefix) for prefix in settings.PAGE_CACHE_SKIP_PREFIXES)

    @staticmethod
    def redirect(paths):
        slug = live_slug_for(paths)
        if slug is None:
            return None
        response = HttpResponsePermanentRedirect(reverse("reader:detail", kwargs={"slug": slug}))
        patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_MAX_AGE)
        return response
