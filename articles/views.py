from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .models import Article, Author, RegionTag, TopicTag


class LiveArticlesMixin:
    """Every public view starts from the one public queryset."""

    def get_queryset(self):
        return Article.objects.live().with_listing_related()


class HomeView(LiveArticlesMixin, ListView):
    template_name = "articles/home.html"
    context_object_name = "articles"
    paginate_by = 20


class ArticleDetailView(LiveArticlesMixin, DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"


class TaggedArticlesView(LiveArticlesMixin, ListView):
    """A section page: the live articles carrying one region or topic."""

    tag_model = None
    tag_field = None
    template_name = "articles/section.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        self.tag = get_object_or_404(self.tag_model, slug=self.kwargs["slug"])
        return super().get_queryset().filter(**{self.tag_field: self.tag})

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class RegionView(TaggedArticlesView):
    tag_model = RegionTag
    tag_field = "regions"


class TopicView(TaggedArticlesView):
    tag_model = TopicTag
    tag_field = "topics"


class AuthorView(LiveArticlesMixin, ListView):
    template_name = "articles/author.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return super().get_queryset().filter(bylines=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)
