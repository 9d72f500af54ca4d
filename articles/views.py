import sys

from django.conf import settings
from django.core.paginator import Paginator
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import ListView, TemplateView

from . import fragments, selectors
from .context_processors import site_links
from .pagination import ArticleIdPaginator
from .search import MAX_QUERY_LENGTH, clean_query

PAGE_SIZE = 20


class ArticleListView(ListView):
    """A paginated list of live articles, as ids rendered into cards; a malformed or out-of-range ?page= is a 404."""

    context_object_name = "article_ids"
    paginate_by = PAGE_SIZE
    paginator_class = ArticleIdPaginator

    def get_queryset(self):
        # Built only if read: a memoised count and page need no queryset.
        return SimpleLazyObject(self.article_ids)

    def article_ids(self):
        return selectors.live_article_ids()

    def get_template_names(self):
        # ListView's version would build the lazy queryset to guess a template from its model.
        return [self.template_name]

    def count_name(self):
        """What the list is, for its memoised count (the page number left out)."""
        raise NotImplementedError

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return self.paginator_class(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            count_name=self.count_name(),
            **kwargs,
        )


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**fragments.home_page(), **kwargs)


class ArticleDetailView(TemplateView):
    """An article page: its rendered parts come from `fragments.article_page`; the article is read only if needed."""

    template_name = "articles/article_detail.html"

    def get_context_data(self, **kwargs):
        slug = self.kwargs["slug"]
        page = fragments.article_page(slug)
        article = SimpleLazyObject(lambda: selectors.article_for_reader(slug))
        return super().get_context_data(page=page, article=article, **kwargs)


class SectionView(ArticleListView):
    """A region or topic page: the tag's description and its live articles, newest first."""

    vocabulary = None
    template_name = "articles/section.html"

    def get_queryset(self):
        self.tag = selectors.public_tag_or_404(self.vocabulary, self.kwargs["slug"])
        return super().get_queryset()

    def article_ids(self):
        return selectors.tag_articles(self.vocabulary, self.tag, queryset=super().article_ids())

    def count_name(self):
        return f"{self.vocabulary}:{self.tag.pk}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, vocabulary=self.vocabulary, **kwargs)


class RegionView(SectionView):
    vocabulary = "region"


class TopicView(SectionView):
    vocabulary = "topic"


class SectionIndexView(ListView):
    """Every region (or topic) that has live articles, with how many."""

    vocabulary = None
    template_name = "articles/section_index.html"
    context_object_name = "tags"

    def get_queryset(self):
        return selectors.public_tags(self.vocabulary)

    def get_context_data(self, **kwargs):
        return super().get_context_data(vocabulary=self.vocabulary, **kwargs)


class RegionIndexView(SectionIndexView):
    vocabulary = "region"


class TopicIndexView(SectionIndexView):
    vocabulary = "topic"


class AuthorView(ArticleListView):
    template_name = "articles/author.html"

    def get_queryset(self):
        self.author = selectors.public_author_or_404(self.kwargs["slug"])
        return super().get_queryset()

    def article_ids(self):
        return selectors.author_articles(self.author, queryset=super().article_ids())

    def count_name(self):
        return f"author:{self.author.pk}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class SearchView(ArticleListView):
    template_name = "articles/search.html"

    def get_queryset(self):
        self.query = clean_query(self.request.GET.get("q", ""))
        return selectors.search_results(self.query)

    def get_paginator(self, queryset, per_page, **kwargs):
        # The ranked ids are memoised already: counting them is len(), no query.
        return Paginator(queryset, per_page, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, max_query_length=MAX_QUERY_LENGTH, noindex=True, **kwargs)


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        "Disallow: /preview/",
        f"Disallow: {reverse('articles:search')}",
        "",
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}",
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap_news')}",
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
    """A refused, dropped or broken database connection (not a bug in a query)."""
    return isinstance(error, (OperationalError, InterfaceError))


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
