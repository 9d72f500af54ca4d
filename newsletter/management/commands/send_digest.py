from datetime import date

from django.core.management.base import BaseCommand, CommandError

from newsletter import services


class Command(BaseCommand):
    help = (
        "Send this morning's digest to every confirmed subscriber. Run it once a morning (cron or a systemd "
        "timer); running it again the same day sends nothing twice and finishes a run a crash interrupted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--edition", help="The day to send, YYYY-MM-DD (default: today in the newsroom's time zone)."
        )

    def handle(self, *args, edition=None, **options):
        if edition:
            try:
                edition = date.fromisoformat(edition)
            except ValueError as error:
                raise CommandError(f"--edition {edition!r} is not a date like 2026-11-30.") from error
        try:
            summary = services.send_digest(edition=edition)
        except OSError as error:
            raise CommandError(
                f"The mail server refused or could not be reached ({error.__class__.__name__}); "
                "what was sent is recorded: run the command again to send the rest."
            ) from error
        if summary.get("already_finished"):
            self.stdout.write(f"The digest of {summary['edition']} was sent already; nothing to do.")
            return
        self.stdout.write(
            f"Digest of {summary['edition']}: {summary['sent']} sent, {summary['nothing']} with no stories in their sections"
            + (f", {summary['uncertain']} interrupted earlier and not sent again" if summary["uncertain"] else "")
            + (f"; {summary['purged']} unconfirmed sign-ups forgotten" if summary["purged"] else "")
            + "."
        )
