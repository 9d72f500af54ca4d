from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations"

    def ready(self):
        from django.core.signals import request_finished
        from django.db.backends.signals import connection_created

        from articles.signals import content_changed

        from . import checks, logs, metrics, replicas  # noqa: F401  (checks registers the deployment checks)

        # Before the reader's site connects its receiver (this app is installed first), so the replica floor is
        # recorded before the page cache moves to the generation that shows the change.
        content_changed.connect(replicas.content_changed, dispatch_uid="ops-replica-floor")
        content_changed.connect(metrics.content_changed, dispatch_uid="ops-metrics-published")
        connection_created.connect(metrics.watch_connection, dispatch_uid="ops-metrics-queries")
        request_finished.connect(logs.forget_request_id, dispatch_uid="ops-forget-request-id")
