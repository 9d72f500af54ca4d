"""Take every wire file in a folder into the desk's wire inbox, once: safe to run from cron or a timer."""

import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.exceptions import ArticleError, DuplicateImportError
from articles.inbox import DuplicateWireError, wire_receive
from articles.wire import MAX_FILE_BYTES

DONE_FOLDER = "done"


class Command(BaseCommand):
    help = (
        "Take the wire files (plain text, or ninjs .json items) in a folder into the desk's wire inbox. "
        "Files taken, and copy seen before, move to the folder's done/ subfolder; a file refused stays where "
        "it is, listed with the reason, for the next run once it is fixed."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", help="The folder to read (default: the WIRE_INBOX_DIR setting).")
        parser.add_argument("--source", default="", help="Source attribution for copy that names none.")
        parser.add_argument("--region", action="append", default=[], help="An existing region for every item.")
        parser.add_argument("--topic", action="append", default=[], help="An existing topic for every item.")
        parser.add_argument(
            "--create-tags", action="store_true", help="Create regions and topics the copy names that do not exist."
        )

    def handle(self, *args, folder, source, region, topic, create_tags, **options):
        folder = folder or settings.WIRE_INBOX_DIR
        if not folder:
            raise CommandError("Name the folder to read, or set WIRE_INBOX_DIR.")
        folder = Path(folder)
        if not folder.is_dir():
            raise CommandError(f"{folder}: not a folder.")
        done = folder / DONE_FOLDER
        taken, seen, refused = 0, 0, []
        for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
            try:
                if path.stat().st_size > MAX_FILE_BYTES:
                    raise ArticleError(f"{path.name}: larger than {MAX_FILE_BYTES // 1024 // 1024} MB.")
                item = wire_receive(
                    raw=path.read_bytes(),
                    name=path.name,
                    source=source,
                    regions=region,
                    topics=topic,
                    create_tags=create_tags,
                )
            except (DuplicateWireError, DuplicateImportError) as error:
                seen += 1
                self.stdout.write(f"{path.name}: {error}")
            except ArticleError as error:
                refused.append(str(error))
                continue
            except OSError as error:
                refused.append(f"{path.name}: could not be read ({error.strerror or error}).")
                continue
            else:
                taken += 1
                self.stdout.write(f"{path.name}: in the wire inbox as “{item.headline}”.")
            self.move_aside(path, done, refused)
        for reason in refused:
            self.stdout.write(self.style.WARNING(f"Refused {reason}"))
        self.stdout.write(f"{taken} taken into the wire inbox, {seen} seen before, {len(refused)} refused.")

    @staticmethod
    def move_aside(path, done, refused):
        """Into done/, never over a file of the same name already there."""
        try:
            done.mkdir(exist_ok=True)
            target, number = done / path.name, 1
            while target.exists():
                target, number = done / f"{path.stem}.{number}{path.suffix}", number + 1
            shutil.move(path, target)
        except OSError as error:
            refused.append(f"{path.name}: taken, but could not be moved to {done} ({error.strerror or error}).")
