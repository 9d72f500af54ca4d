from django.urls import path, register_converter

from . import feeds, paper_views, preview, views

register_converter(paper_views.SitePageKindConverter, "site_page")

app_name = "reader"


class YearConverter:
    """Four digits (a year of the archive), as an int; written back zero-padded."""

    regex = "[0-9]{4}"
    digits = 4

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):0{self.digits}d}"


class MonthOrDayConverter(YearConverter):
    regex = "[0-9]{2}"
    digits = 2


register_converter(YearConverter, "yyyy")
register_converter(MonthOrDayConverter, "mm")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("news/", views.NewsArchiveView.as_view(), name="archive"),
    # Before the articles: a story's slug is never four digits alone (`articles.slugs.slug_base`).
    path("news/<yyyy:year>/", views.DateArchiveView.as_view(), name="archive_year"),
    path("news/<yyyy:year>/<mm:month>/", views.DateArchiveView.as_view(), name="archive_month"),
    path("news/<yyyy:year>/<mm:month>/<mm:day>/", views.DateArchiveView.as_view(), name="archive_day"),
    path("news/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("regions/", views.RegionIndexView.as_view(), name="regions"),
    path("topics/", views.TopicIndexView.as_view(), name="topics"),
    path("region/<slug:slug>/", views.RegionView.as_view(), name="region"),
    path("topic/<slug:slug>/", views.TopicView.as_view(), name="topic"),
    path("author/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", feeds.written_once(feeds.LatestArticlesFeed()), name="feed"),
    path("feed/atom/", feeds.written_once(feeds.LatestArticlesAtomFeed()), name="feed_atom"),
    path("region/<slug:slug>/feed/", feeds.written_once(feeds.RegionFeed()), name="region_feed"),
    path("region/<slug:slug>/feed/atom/", feeds.written_once(feeds.RegionAtomFeed()), name="region_feed_atom"),
    path("topic/<slug:slug>/feed/", feeds.written_once(feeds.TopicFeed()), name="topic_feed"),
    path("topic/<slug:slug>/feed/atom/", feeds.written_once(feeds.TopicAtomFeed()), name="topic_feed_atom"),
    path("author/<slug:slug>/feed/", feeds.written_once(feeds.AuthorFeed()), name="author_feed"),
    path("author/<slug:slug>/feed/atom/", feeds.written_once(feeds.AuthorAtomFeed()), name="author_feed_atom"),
    path("preview/<str:token>/", preview.shared_preview, name="preview"),
    path("preview/article/<int:pk>/", preview.staff_preview, name="staff_preview"),
    path("read/<int:pk>/", paper_views.count_article_read, name="count_read"),
    path("<site_page:kind>/", paper_views.SitePageView.as_view(), name="page"),
]
