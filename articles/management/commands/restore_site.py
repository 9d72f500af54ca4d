from django.core.management.base import BaseCommand, CommandError

from articles.backup import restore_site
from articles.exceptions import BackupError


class Command(BaseCommand):
    help = "Restore an archive written by backup_site into an empty, freshly migrated database."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The archive written by backup_site.")

    def handle(self, *args, path, **options):
        try:
            summary = restore_site(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(summary.counts.values())
        self.stdout.write(
            self.style.SUCCESS(f"Restored {rows} rows and {len(summary.media_files)} media files from {summary.path}.")
        )
        for label, count in summary.counts.items():
            self.stdout.write(f"  {label:<28} {count}")
        if summary.missing_media:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(summary.missing_media)} referenced media files are not under MEDIA_ROOT yet, e.g. "
                    f"{summary.missing_media[0]}; copy them from the old MEDIA_ROOT."
                )
            )
