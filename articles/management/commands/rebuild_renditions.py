"""Cut the crops of library images again (after an upgrade, or for hero images moved in by migration)."""

from django.core.management.base import BaseCommand

from articles import image_library
from articles.models import LibraryImage


class Command(BaseCommand):
    help = "Make the card, square and full crops of library images that lack them (--all: of every image)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Rebuild every image, not only those missing crops.")

    def handle(self, *args, **options):
        done = 0
        for image in LibraryImage.objects.order_by("pk").iterator():
            if not options["all"] and image.renditions.get("crops", {}).get("card"):
                continue
            image_library.refresh_renditions(image)
            image_library.refresh_stories(image)
            done += 1
        self.stdout.write(self.style.SUCCESS(f"Rebuilt the crops of {done} image{'s' if done != 1 else ''}."))
