import tempfile

from django.core.management.base import BaseCommand, CommandError

from articles import backup_storage
from articles.backup import restore_site
from articles.exceptions import BackupError


class Command(BaseCommand):
    help = "Restore an archive written by backup_site into an empty, freshly migrated database."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The archive written by backup_site.")
        parser.add_argument(
            "--from-backup-storage",
            action="store_true",
            help="Read the archive named path from the backup bucket (BACKUP_STORAGE_URL).",
        )

    def handle(self, *args, path, from_backup_storage, **options):
        try:
            if from_backup_storage:
                with tempfile.TemporaryDirectory(prefix="newsroom-restore-") as folder:
                    summary = restore_site(path=backup_storage.download_archive(path, folder))
            else:
                summary = restore_site(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(summary.counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {rows} rows and {len(summary.media_files)} media files from "
                f"{'the backup storage’s “' + path + '”' if from_backup_storage else summary.path}."
            )
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
