from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools.archive import MAX_ARTICLES, generate_archive


class Command(BaseCommand):
    help = "Add a realistic synthetic archive (bylines, regions, topics, ten years of dates) for benchmarks and tests."

    def add_arguments(self, parser):
        parser.add_argument(
            "--articles", type=int, required=True, help=f"How many articles to add (1 to {MAX_ARTICLES:,})."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed gives the same archive.")
        parser.add_argument("--authors", type=int, default=60, help="Size of the author pool (default 60).")

    def handle(self, *args, articles, seed, authors, verbosity, **options):
        def progress(done, total):
            if verbosity >= 2 or (verbosity >= 1 and (done == total or done % 20_000 == 0)):
                self.stdout.write(f"  {done:,} / {total:,} articles")

        if settings.DEBUG and articles >= 10_000 and verbosity >= 1:
            self.stdout.write("DEBUG is on, so every SQL statement is logged; DEBUG=0 makes this much faster.")
        try:
            summary = generate_archive(articles=articles, seed=seed, author_pool=authors, progress=progress)
        except ValueError as error:
            raise CommandError(str(error)) from error
        statuses = ", ".join(f"{status} {count:,}" for status, count in sorted(summary.by_status.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {summary.articles:,} articles ({summary.live:,} live; {statuses}) with "
                f"{summary.bylines:,} bylines and {summary.tag_links:,} tag links over {summary.authors} authors, "
                f"{summary.regions} regions and {summary.topics} topics in {summary.seconds:.1f} s."
            )
        )
