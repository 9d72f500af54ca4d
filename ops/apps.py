from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations"

    def ready(self):
        from articles.signals import content_changed

        from . import checks, replicas  # noqa: F401  (checks registers the deployment checks)

        # Before the reader's site connects its receiver (this app is installed first), so the replica floor is
        # recorded before the page cache moves to the generation that shows the change.
        content_changed.connect(replicas.content_changed, dispatch_uid="ops-replica-floor")
