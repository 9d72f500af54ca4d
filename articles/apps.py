from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


def sync_roles_after_migrate(sender, apps=global_apps, **kwargs):
    """Keep the role groups whole after every migrate or flush (new permissions reach the roles too).

    `flush` sends the signal without the migration state; the installed apps serve then.
    """
    from .roles import sync_role_groups

    try:
        group_model, permission_model = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    except LookupError:
        return
    sync_role_groups(group_model=group_model, permission_model=permission_model)


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self):
        from . import announcements, listings
        from .search import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="articles_sqlite_functions")
        post_migrate.connect(sync_roles_after_migrate, sender=self)
        announcements.connect()
        listings.connect()
