from django.apps import AppConfig


class ReaderConfig(AppConfig):
    name = "reader"
    verbose_name = "Reader's site"

    def ready(self):
        from articles.paper import furniture_changed
        from articles.signals import content_changed
        from pagecache.schedule import register_schedule

        from . import invalidation, paper

        # What the newsroom changes, the cached pages and remembered reads that show it follow once it
        # commits; scheduled changes (a story going live, a footer window turning) at their moment.
        content_changed.connect(invalidation.content_changed, dispatch_uid="reader-invalidate-page-cache")
        register_schedule(invalidation.next_public_changes, invalidation.changed_between)
        # The breaking-news banner, the outlet's pages and the most-read list (see reader/paper.py).
        furniture_changed.connect(paper.furniture_changed, dispatch_uid="reader-furniture-changed")
        register_schedule(paper.next_changes, paper.changed_between)
