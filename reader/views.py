import logging
import sqlite3
import sys

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db import InterfaceError, OperationalError, connection
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from articles.search import MAX_QUERY_LENGTH, clean_query
from pagecache.paginator import LazyPages

from . import readmodel, selectors
from .links import absolute, site_links

logger = logging.getLogger(__name__)

PAGE_SIZE = 20


class PaginatedIdsMixin:
    """A page of article ids and its paginator in the context; a malformed or out-of-range ?page= is a 404."""

    paginate_by = PAGE_SIZE

    def article_ids(self):
        """The ids to paginate: a sequence whose len() and slices are all a page needs."""
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        paginator = Paginator(self.article_ids(), self.paginate_by)
        page = self.request.GET.get("page") or 1
        number = paginator.num_pages if page == "last" else page
        try:
            page_obj = paginator.page(number)
        except InvalidPage as error:
            raise Http404(f"No page {page}.") from error
        return super().get_context_data(
            paginator=paginator,
            page_obj=page_obj,
            is_paginated=page_obj.has_other_pages(),
            article_ids=page_obj.object_list,
            **kwargs,
        )


class ListingView(PaginatedIdsMixin, TemplateView):
    """A paginated list of live articles; its count and pages are read through the read model."""

    def listing(self):
        return readmodel.Listing("all")

    def article_ids(self):
        listing = self.listing()
        return LazyPages(
            count=lambda: readmodel.listing_count(listing),
            fetch=lambda start, stop: readmodel.listing_ids(listing, start, stop),
        )


class HomeView(TemplateView):
    template_name = "reader/home.html"

    def get_context_data(self, **kwargs):
        plan = readmodel.home_plan()
        sections = plan["sections"]
        lead, secondary, latest, *section_cards = readmodel.card_groups(
            [
                (plan["lead_ids"], "lead"),
                (plan["secondary_ids"], "list"),
                (plan["latest_ids"], "latest"),
                *[(ids, "grid") for _tag, _vocabulary, ids in sections],
            ]
        )
        return super().get_context_data(
            lead=lead[0] if lead else None,
            secondary=secondary,
            latest=latest,
            sections=[
                (tag, vocabulary, chosen)
                for (tag, vocabulary, _ids), chosen in zip(sections, section_cards, strict=True)
                if chosen
            ],
            **kwargs,
        )


class ArticleDetailView(TemplateView):
    """An article page, from its rendered parts: a warm page reads no article row."""

    template_name = "reader/article_detail.html"

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            if selectors.is_taken_down(kwargs["slug"]):
                return gone(request)
            raise

    def get_context_data(self, **kwargs):
        slug = self.kwargs["slug"]
        plan = readmodel.article_plan(slug)
        page = readmodel.article_page(slug, plan[0], tuple(plan[1])) if plan else None
        if page is None:
            raise Http404("No such article.")
        return super().get_context_data(page=page, **kwargs)


def gone(request):
    """410 Gone for a story taken down: search engines drop it for good (never stored by the page cache)."""
    response = render(request, "reader/gone.html", {"noindex": True}, status=410)
    response["X-Robots-Tag"] = "noindex"
    return response


class SectionView(ListingView):
    """A region or topic page: the tag's description and its live articles, newest first."""

    vocabulary = None
    template_name = "reader/section.html"

    def get(self, request, *args, **kwargs):
        self.tag = readmodel.public_tag(self.vocabulary, kwargs["slug"])
        if self.tag is None:
            raise Http404("No such section.")
        return super().get(request, *args, **kwargs)

    def listing(self):
        return readmodel.Listing(self.vocabulary, self.tag.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, vocabulary=self.vocabulary, **kwargs)


class RegionView(SectionView):
    """A region's page: its stories and those of every region inside it, with where it lies and what it holds."""

    vocabulary = "region"

    def get_context_data(self, **kwargs):
        return super().get_context_data(family=readmodel.region_family(self.tag.pk), **kwargs)


class TopicView(SectionView):
    vocabulary = "topic"


class SectionIndexView(TemplateView):
    """Every region (or topic) that has live articles, with how many."""

    vocabulary = None
    template_name = "reader/section_index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            tags=readmodel.public_tags(self.vocabulary), vocabulary=self.vocabulary, **kwargs
        )


class RegionIndexView(SectionIndexView):
    """Every public region, as a tree: World › Europe › United Kingdom › London › …"""

    vocabulary = "region"
    template_name = "reader/region_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, "tree": selectors.region_tree(context["tags"])}


class TopicIndexView(SectionIndexView):
    vocabulary = "topic"


class AuthorView(ListingView):
    template_name = "reader/author.html"

    def get(self, request, *args, **kwargs):
        self.author = readmodel.public_author(kwargs["slug"])
        if self.author is None:
            raise Http404("No such author.")
        return super().get(request, *args, **kwargs)

    def listing(self):
        return readmodel.Listing("author", self.author.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class SearchView(PaginatedIdsMixin, TemplateView):
    template_name = "reader/search.html"

    def get(self, request, *args, **kwargs):
        self.query = clean_query(request.GET.get("q", ""))
        return super().get(request, *args, **kwargs)

    def article_ids(self):
        return readmodel.search_ids(self.query) if self.query else []

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, max_query_length=MAX_QUERY_LENGTH, noindex=True, **kwargs)


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        "Disallow: /preview/",
        f"Disallow: {reverse('reader:search')}",
        "",
        f"Sitemap: {absolute(reverse('sitemap'))}",
        f"Sitemap: {absolute(reverse('sitemap_news'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def error_page_context():
    """What the error pages need from the site, without a request: no session, user or database."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_TAGLINE": settings.SITE_TAGLINE,
        "SITE_LINKS": site_links(),
        "is_error_page": True,
    }


def is_database_unavailable(error):
    """A refused, dropped or broken database connection (not a bug in a query).

    Both look alike to Django (an `OperationalError`): SQLite raises one for a query it will not run ("too many
    terms in compound SELECT") as for a file it cannot open. So the connection is asked: one that still answers
    means the error was the query's, a bug for a 500 page with its traceback logged, not an outage for a 503.
    """
    if not isinstance(error, (OperationalError, InterfaceError)):
        return False
    unavailable = not _connection_answers(error)
    if unavailable:
        logger.warning("Database unavailable; answering 503.", exc_info=error)
    return unavailable


def _connection_answers(error):
    raw = connection.connection
    if raw is None:
        return False  # the connection could not be made
    if connection.vendor == "sqlite":
        if "locked" in str(error):
            return False  # busy, not broken: a retry helps
        try:
            raw.execute("SELECT 1")  # on the driver's connection: no transaction state of Django's in the way
        except sqlite3.Error:
            return False
        return True
    # psycopg marks a connection whose server went away as broken (or closed): nothing else to ask.
    return not (getattr(raw, "broken", False) or getattr(raw, "closed", False))


def database_unavailable(request):
    """The 503 page in the site's design, rendered without touching the database."""
    response = HttpResponse(loader.get_template("503.html").render(error_page_context()), status=503)
    response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER)
    patch_cache_control(response, no_cache=True, no_store=True)
    return response


def server_error(request):
    """The 500 page in the site's design, rendered without touching the database.

    A database outage that surfaced outside a view (in a middleware) still gets the 503 page.
    """
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable(request)
    return HttpResponse(loader.get_template("500.html").render(error_page_context()), status=500)
