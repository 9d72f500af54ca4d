from django.contrib import admin
from reversion.admin import VersionAdmin

from .models import Article, Author, Byline, Correction, PromoFooter, RegionTag, TopicTag


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ["kind", "text", "created_at"]


@admin.register(Article)
class ArticleAdmin(VersionAdmin):
    list_display = ["headline", "status", "publish_at", "updated_at"]
    list_filter = ["status"]
    search_fields = ["headline", "standfirst", "body"]
    inlines = [BylineInline, CorrectionInline]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "body", "source_attribution"]}),
        ("Sections", {"fields": ["regions", "topics"]}),
        ("Hero image", {"fields": ["hero_image", "hero_alt", "hero_caption", "hero_credit"]}),
        ("Publishing", {"fields": ["status", "publish_at", "embargo_ends_at", "promo_footer"]}),
    ]


@admin.register(Author)
class AuthorAdmin(VersionAdmin):
    list_display = ["name", "title", "user"]
    search_fields = ["name", "title"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(RegionTag, TopicTag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(PromoFooter)
class PromoFooterAdmin(VersionAdmin):
    list_display = ["name", "is_default", "teaser_article", "teaser_text", "starts_at", "ends_at"]
    list_filter = ["is_default"]
    autocomplete_fields = ["teaser_article"]
    search_fields = ["name", "tagline", "teaser_text"]
