import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles import backup_storage
from articles.backup import FORMATS, backup_site
from articles.exceptions import BackupError


class Command(BaseCommand):
    help = (
        "Write the whole site (articles, tags, footers, authors, bylines, corrections, users and groups, "
        "revision history, admin log, media references) to a zip archive. --with-media adds the media files."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The archive to write, e.g. backups/site-2025-01-31.zip")
        parser.add_argument("--with-media", action="store_true", help="Also put every file under MEDIA_ROOT in it.")
        parser.add_argument(
            "--to-backup-storage",
            action="store_true",
            help="Store the archive in the backup bucket (BACKUP_STORAGE_URL) under the name given as path.",
        )
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="How the rows are written: pgdump (PostgreSQL's pg_dump, the default there) or json (the default "
            "on SQLite; restores into any database).",
        )

    def handle(self, *args, path, with_media, format, to_backup_storage, **options):
        try:
            if to_backup_storage:
                summary, where = self.backup_to_storage(path, with_media, format)
            else:
                summary = backup_site(path=path, include_media=with_media, data_format=format)
                where = summary.path
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(summary.counts.values())
        media = f", {len(summary.media_files)} media files" if with_media else ""
        self.stdout.write(self.style.SUCCESS(f"Backed up {rows} rows{media} to {where}."))
        for label, count in summary.counts.items():
            self.stdout.write(f"  {label:<28} {count}")
        if not with_media and summary.media_references:
            self.stdout.write(
                f"{len(summary.media_references)} media files are referenced but not included; "
                "copy MEDIA_ROOT alongside, or use --with-media."
            )

    def backup_to_storage(self, name, with_media, data_format):
        """Write the archive in a temporary folder, then copy it into the backup storage; (summary, where)."""
        if problem := backup_storage.archive_name_problems(name):
            raise BackupError(problem)
        backup_storage.backup_storage()
        with tempfile.TemporaryDirectory(prefix="newsroom-backup-") as folder:
            summary = backup_site(path=Path(folder) / "site.zip", include_media=with_media, data_format=data_format)
            stored = backup_storage.upload_archive(summary.path, name)
        taken = "" if stored == name else f" (“{name}” was taken)"
        return summary, f"the backup storage as “{stored}”{taken}"
