from django.apps import AppConfig
from django.db.backends.signals import connection_created


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self):
        from .search import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="articles_sqlite_functions")
