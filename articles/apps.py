from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.backends.signals import connection_created
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


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


def announce_model_change(sender, using=None, **kwargs):
    from .signals import announce

    announce(sender, using=using)


def connect_content_signals():
    """Announce `content_changed` for every save, delete and many-to-many change of what readers may see."""
    from .models import Article, Author, Byline, Correction, PromoFooter, RegionTag, TaggedRegion, TaggedTopic, TopicTag

    for model in (Article, Author, Byline, Correction, PromoFooter, RegionTag, TopicTag, TaggedRegion, TaggedTopic):
        label = model._meta.label
        post_save.connect(announce_model_change, sender=model, dispatch_uid=f"content-changed-save-{label}")
        post_delete.connect(announce_model_change, sender=model, dispatch_uid=f"content-changed-delete-{label}")
    for sender in (Article.bylines.through, TaggedRegion, TaggedTopic):
        label = sender._meta.label
        m2m_changed.connect(announce_model_change, sender=sender, dispatch_uid=f"content-changed-m2m-{label}")


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self):
        from .search import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="articles_sqlite_functions")
        post_migrate.connect(sync_roles_after_migrate, sender=self)
        connect_content_signals()
