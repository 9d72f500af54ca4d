import logging
import sqlite3
import sys
from datetime import datetime

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db import InterfaceError, OperationalError, connection
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.timezone import localdate
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from articles.search import MAX_QUERY_LENGTH
from pagecache.paginator import LazyPages

from . import readmodel, selectors
from .forms import SearchForm
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


class NewsArchiveView(ListingView):
    """Every live story, latest first: the paper's archive, page by page (`/news/`)."""

    template_name = "reader/archive.html"


class DateArchiveView(PaginatedIdsMixin, TemplateView):
    """The live stories of one year, month or day, newest first, with the nearest periods before and after.

    A date that does not exist, or a period with no live story, is a 404.
    """

    template_name = "reader/archive.html"

    def get(self, request, *args, **kwargs):
        self.period = readmodel.Period(kwargs["year"], kwargs.get("month", 0), kwargs.get("day", 0))
        self.bounds = self.period.bounds() if kwargs.get("month", 1) and kwargs.get("day", 1) else None
        if self.bounds is None or not readmodel.period_count(self.period):
            raise Http404("No stories in this period.")
        return super().get(request, *args, **kwargs)

    def article_ids(self):
        return LazyPages(
            count=lambda: readmodel.period_count(self.period),
            fetch=lambda start, stop: readmodel.period_ids(self.period, start, stop),
        )

    def get_context_data(self, **kwargs):
        around = readmodel.period_around(self.period)
        unit = "day" if self.period.day else "month" if self.period.month else "year"
        return super().get_context_data(
            period=self.period,
            period_start=self.bounds[0],
            unit=unit,
            previous=archive_link(around["previous"], unit),
            next=archive_link(around["next"], unit),
            parts=[(part, archive_link(part, "day" if self.period.month else "month")) for part in around["parts"]],
            **kwargs,
        )


def archive_link(moment, unit):
    """(the date, the archive page's path) of the year, month or day holding moment (a datetime or date), or None."""
    if moment is None:
        return None
    day = localdate(moment) if isinstance(moment, datetime) else moment
    parts = {"year": day.year}
    if unit in {"month", "day"}:
        parts["month"] = day.month
    if unit == "day":
        parts["day"] = day.day
    return day, reverse(f"reader:archive_{unit}", kwargs=parts)


class HomeView(TemplateView):
    template_name = "reader/home.html"

    def get(self, request, *args, **kwargs):
        # The home page has one page: any other ?page= is a 404, as on every paginated list.
        if request.GET.get("page", "1") != "1":
            raise Http404("The home page has no other pages; older stories are in the archive.")
        return super().get(request, *args, **kwargs)

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
            return redirect_to_lowercase(
                request, kwargs["slug"], lambda slug: readmodel.public_tag(self.vocabulary, slug)
            )
        return super().get(request, *args, **kwargs)

    def listing(self):
        return readmodel.Listing(self.vocabulary, self.tag.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, vocabulary=self.vocabulary, **kwargs)


def redirect_to_lowercase(request, slug, find):
    """Slugs are lower case: `/region/London/` redirects (permanently) to `/region/london/`; else a 404."""
    if slug != slug.lower():
        found = find(slug.lower())
        if found is not None:
            path = request.path.replace(f"/{slug}/", f"/{found.slug}/", 1)
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{path}?{query}" if query else path)
    raise Http404("No such page.")


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
            return redirect_to_lowercase(request, kwargs["slug"], readmodel.public_author)
        return super().get(request, *args, **kwargs)

    def listing(self):
        return readmodel.Listing("author", self.author.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class SearchView(PaginatedIdsMixin, TemplateView):
    """Search results with a marked passage of each story, by best match or newest first, filtered by a
    section and a date range; a filter that does not parse is reported and ignored."""

    template_name = "reader/search.html"

    def get(self, request, *args, **kwargs):
        self.sections = {
            f"{vocabulary}:{slug}": (vocabulary, pk, name) for vocabulary, pk, slug, name in readmodel.public_sections()
        }
        choices = [(value, f"{vocabulary.title()}: {name}") for value, (vocabulary, _pk, name) in self.sections.items()]
        self.form = SearchForm(request.GET, sections=choices)
        self.query = self.form.value("q")
        return super().get(request, *args, **kwargs)

    def article_ids(self):
        if not self.query:
            return []
        section = self.sections.get(self.form.value("section"))
        start, end = self.form.value("start", None), self.form.value("end", None)
        return readmodel.search_ids(
            self.query,
            self.form.value("sort", "relevance"),
            section[:2] if section else (),
            start.isoformat() if start else "",
            end.isoformat() if end else "",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            query=self.query, form=self.form, max_query_length=MAX_QUERY_LENGTH, noindex=True, **kwargs
        )
        ids = tuple(context["article_ids"])
        snippets = readmodel.search_snippets(self.query, ids) if ids else {}
        cards = readmodel.card_groups([([pk], "list") for pk in ids])
        context["results"] = [(card[0], snippets.get(pk)) for pk, card in zip(ids, cards, strict=True) if card]
        return context


@require_safe
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
