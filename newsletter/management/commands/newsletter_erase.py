from django.core.management.base import BaseCommand, CommandError

from newsletter import services


class Command(BaseCommand):
    help = "Delete one email address and everything the newsletter keeps about it (a right-to-erasure request)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        if not services.erase(email=email):
            raise CommandError("No subscriber has that address.")
        self.stdout.write("Erased: the address and its digest history are deleted.")
