import json

from django.core.management.base import BaseCommand, CommandError

from newsletter import services


class Command(BaseCommand):
    help = "Print, as JSON, everything the newsletter keeps about one email address (a subject access request)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        data = services.export(email=email)
        if data is None:
            raise CommandError("No subscriber has that address.")
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
