from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles.exceptions import DuplicateImportError, WireImportError
from articles.intake import article_import_wire_copy


class Command(BaseCommand):
    help = "Import a plain-text wire-copy file as a draft article."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The UTF-8 text file to import.")
        parser.add_argument("--headline", help="Headline; derived from the first sentence when omitted.")
        parser.add_argument("--region", action="append", default=[], help="A region tag (repeatable).")
        parser.add_argument("--topic", action="append", default=[], help="A topic tag (repeatable).")
        parser.add_argument("--author", action="append", default=[], help="A byline name (repeatable).")

    def handle(self, *args, path, headline, region, topic, author, **options):
        try:
            article = article_import_wire_copy(
                path=path, headline=headline, regions=region, topics=topic, authors=author
            )
        except DuplicateImportError as error:
            self.stdout.write(str(error))
            return
        except WireImportError as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages) + " Nothing was imported.") from None
        footer = f"; promo footer “{article.promo_footer}”" if article.promo_footer else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported draft “{article.headline}” (id {article.pk}, {article.body.count('<p>')} paragraphs{footer})."
            )
        )
