import sys
import time

from django.core.management.base import BaseCommand, CommandError

from articles.wordpress.importer import Importer
from articles.wordpress.mapping import MappingError, read_mapping
from articles.wordpress.wxr import WXRError

PROGRESS_SECONDS = 2.0
LISTED = 50  # lines of each list in the summary; the rest are counted


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR 1.0, 1.1 or 1.2): posts become articles with their old addresses "
        "redirected. Safe to run again: posts already imported are updated or left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="The .xml file from WordPress's Tools → Export.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would happen; write nothing.")
        parser.add_argument(
            "--map", dest="mapping", help="CSV file: WordPress term slug → region:slug, topic:slug or skip."
        )
        parser.add_argument(
            "--media-from", help="A copy of the site's wp-content/uploads folder, for the featured images."
        )

    def handle(self, *args, export, dry_run, mapping, media_from, **options):
        self.last_progress = 0.0
        try:
            terms = read_mapping(mapping) if mapping else {}
            report = Importer(
                export, mapping=terms, media_from=media_from, dry_run=dry_run, progress=self.progress
            ).run()
        except MappingError as error:
            raise CommandError(f"{error} Nothing was imported.") from None
        except WXRError as error:
            raise CommandError(f"{export}: {error} Nothing was imported.") from None
        self.summarise(report, dry_run=dry_run)

    def progress(self, done, total):
        now = time.monotonic()
        if done < total and now - self.last_progress < PROGRESS_SECONDS:
            return
        self.last_progress = now
        percent = 100 * done // total if total else 100
        end = "\r" if sys.stderr.isatty() and done < total else "\n"
        self.stderr.write(f"Importing: {done:,} of {total:,} items ({percent}%)", ending=end)

    def summarise(self, report, *, dry_run):
        out = self.stdout
        prefix = "Dry run, nothing was written. Would have imported" if dry_run else "Imported"
        skipped = len(report.skipped)
        out.write(
            self.style.SUCCESS(
                f"{prefix} {report.site} (WXR {report.version}): {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged, {skipped} skipped; {report.redirects} old addresses redirected."
            )
        )
        if report.not_posts:
            kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(report.not_posts.items()))
            out.write(f"Not posts, not imported: {kinds}.")
        self.listing("Skipped", report.skipped)
        self.listing("Featured images not imported", report.missing_media)
        self.listing("Notes", report.notes)

    def listing(self, title, rows):
        if not rows:
            return
        self.stdout.write(f"{title} ({len(rows)}):")
        for which, why in rows[:LISTED]:
            self.stdout.write(f"  {which}: {why}")
        if len(rows) > LISTED:
            self.stdout.write(f"  … and {len(rows) - LISTED} more.")
