from django.core.management.base import BaseCommand

from articles.notifications import send_due_emails


class Command(BaseCommand):
    help = (
        "Email every notification that is due and not yet sent, such as a scheduled story that has gone live. "
        "Run it every minute from cron; the desk's dashboard also sends them on its next visit."
    )

    def handle(self, *args, **options):
        sent = send_due_emails()
        self.stdout.write(f"Sent {sent} notification email{'' if sent == 1 else 's'}.")
