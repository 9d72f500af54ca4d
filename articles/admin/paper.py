"""The desk's pages for the paper around the stories: breaking-news banners and the outlet's own pages."""

from datetime import timedelta

from django.contrib import admin
from django.utils import timezone

from .. import paper
from ..models import BreakingNews, StaticPage


@admin.register(BreakingNews)
class BreakingNewsAdmin(admin.ModelAdmin):
    list_display = ["banner_text", "starts_at", "ends_at", "is_showing"]
    autocomplete_fields = ["article"]
    fields = ["article", "headline", "starts_at", "ends_at"]

    @admin.display(description="showing now", boolean=True)
    def is_showing(self, banner):
        now = timezone.now()
        return banner.starts_at <= now < banner.ends_at and banner.article.is_live

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("ends_at", timezone.localtime() + timedelta(hours=2))
        return initial

    def save_model(self, request, obj, form, change):
        paper.breaking_news_save(banner=obj, user=request.user)

    def delete_model(self, request, obj):
        paper.breaking_news_delete(banner=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for banner in queryset:
            paper.breaking_news_delete(banner=banner, user=request.user)


@admin.register(StaticPage)
class StaticPageAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "is_published", "updated_at"]
    fields = ["kind", "title", "summary", "body", "is_published"]

    def save_model(self, request, obj, form, change):
        paper.static_page_save(page=obj, user=request.user)

    def delete_model(self, request, obj):
        paper.static_page_delete(page=obj)

    def delete_queryset(self, request, queryset):
        for page in queryset:
            paper.static_page_delete(page=page)
