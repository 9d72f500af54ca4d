from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles.exceptions import DuplicateImportError
from articles.image_library import create_library_image
from articles.intake import article_import_wire_copy
from articles.models import Article, Author, PromoFooter, RegionTag, StaticPage, TopicTag
from articles.paper import static_page_save
from articles.services import article_create, article_publish
from devtools import demo, pictures

SEED_DIR = settings.BASE_DIR.parent / "shared" / "seed"


class Command(BaseCommand):
    help = "Load the demo newsroom: authors, tags, articles, the default footer and one account per role. Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        now = timezone.now()
        authors = self.load_authors()
        self.load_tags()
        self.load_accounts(authors)
        self.publisher = get_user_model().objects.get(username=demo.DEMO_PUBLISHER)
        for headline, standfirst, paragraphs, names, regions, topics, hours_ago in demo.ARTICLES:
            self.load_article(
                headline,
                standfirst,
                paragraphs,
                [authors[n] for n in names],
                regions,
                topics,
                publish_at=now - timedelta(hours=hours_ago),
            )
        headline, standfirst, paragraphs, names, regions, topics = demo.SCHEDULED
        self.load_article(
            headline,
            standfirst,
            paragraphs,
            [authors[n] for n in names],
            regions,
            topics,
            publish_at=now + timedelta(days=2),
        )
        headline, standfirst, paragraphs, names, regions, topics = demo.DRAFT
        self.load_article(headline, standfirst, paragraphs, [authors[n] for n in names], regions, topics)
        self.load_default_footer()
        self.load_site_pages()
        self.import_seed()
        self.stdout.write(self.style.SUCCESS(f"Demo content ready: {Article.objects.count()} articles."))
        self.stdout.write("Demo logins (admin at /admin/):")
        for username, password, group, _name, _title in demo.ACCOUNTS:
            self.stdout.write(f"  {group:<9} {username} / {password}")

    def load_site_pages(self):
        for kind, title, summary, body in demo.SITE_PAGES:
            if not StaticPage.objects.filter(kind=kind).exists():
                page = StaticPage(kind=kind, title=title, summary=summary, body=body, is_published=True)
                static_page_save(page=page, user=None)

    def load_authors(self):
        authors = {}
        for name, title, bio in demo.AUTHORS:
            author = Author.objects.filter(name=name).first()
            authors[name] = author or Author.objects.create(name=name, title=title, bio=bio)
        return authors

    def load_tags(self):
        for model, vocabulary in ((RegionTag, demo.REGIONS), (TopicTag, demo.TOPICS)):
            for name, description in vocabulary.items():
                if not model.objects.filter(name__iexact=name).exists():
                    model.objects.create(name=name, description=description)
        for name, parent in demo.REGION_PARENTS.items():
            region = RegionTag.objects.get(name__iexact=name)
            if region.parent_id is None:
                region.parent = RegionTag.objects.get(name__iexact=parent)
                region.save()

    def load_picture(self, seed, caption):
        """An original drawing (devtools/pictures.py) in the image library, with its caption, credit and alt text."""
        return create_library_image(
            file=ContentFile(pictures.scene_jpeg(seed)),
            name=f"demo-scene-{seed}.jpg",
            caption=caption,
            credit="The WP Times illustration",
            alt=pictures.describe(seed),
            user=self.publisher,
        )

    def load_article(self, headline, standfirst, paragraphs, authors, regions, topics, publish_at=None):
        if Article.objects.filter(headline=headline).exists():
            return
        # Every demo story has a hero picture; the first few carry a second one inside the text.
        self.pictures_made = getattr(self, "pictures_made", 0) + 1
        seed = self.pictures_made
        hero = self.load_picture(seed, f"{regions[0]}: the view across the river.")
        body = [f"<p>{paragraph}</p>" for paragraph in paragraphs]
        if seed <= 3 and len(body) > 1:
            inline = self.load_picture(seed + 100, "Later the same day, from the other bank.")
            body.insert(1, f'<figure data-image="{inline.pk}"></figure>')
        article = article_create(
            headline=headline,
            standfirst=standfirst,
            body="".join(body),
            authors=authors,
            regions=regions,
            topics=topics,
            hero=hero,
        )
        if publish_at:
            # Published by the demo editor through the workflow; past times backdate the demo history,
            # a future time schedules the story.
            article_publish(article=article, user=self.publisher, publish_at=publish_at)

    def load_default_footer(self):
        if PromoFooter.objects.filter(is_default=True).exists():
            return
        PromoFooter.objects.create(
            name="Site tagline with culture teaser",
            tagline=demo.OUTLET_TAGLINE,
            teaser_article=Article.objects.get(headline=demo.DEFAULT_FOOTER_TEASER),
            is_default=True,
        )

    def load_accounts(self, authors):
        User = get_user_model()
        for username, password, group_name, author_name, _title in demo.ACCOUNTS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(username=username, password=password, is_staff=True)
            # The groups come from a migration with their permissions; Admin needs no superuser flag.
            group = Group.objects.get(name=group_name)
            user.groups.add(group)
            if author_name and authors[author_name].user_id is None:
                Author.objects.filter(pk=authors[author_name].pk).update(user=user)

    def import_seed(self):
        if not SEED_DIR.is_dir():
            return
        for path in sorted(SEED_DIR.glob("*.txt")):
            try:
                article = article_import_wire_copy(
                    path=path,
                    regions=["Turkey", "United States"],
                    topics=["Defence", "Diplomacy", "Sanctions"],
                    authors=["Wire desk"],
                )
            except DuplicateImportError:
                continue
            self.stdout.write(f"Imported wire copy as a draft: {article.headline}")
