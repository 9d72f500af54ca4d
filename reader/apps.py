from django.apps import AppConfig


def invalidate_page_cache(sender, using=None, **kwargs):
    from pagecache.generation import invalidate

    invalidate(using=using)


class ReaderConfig(AppConfig):
    name = "reader"
    verbose_name = "Reader's site"

    def ready(self):
        from articles.signals import content_changed
        from pagecache.generation import register_schedule

        from .selectors import next_public_change

        # Whatever the newsroom changes, the cached pages and remembered reads follow once it commits;
        # scheduled changes (a story going live, a footer window turning) end them at their moment.
        content_changed.connect(invalidate_page_cache, dispatch_uid="reader-invalidate-page-cache")
        register_schedule(next_public_change)
