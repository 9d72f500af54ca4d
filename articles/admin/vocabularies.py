"""The desk's vocabularies and reusable blocks: authors, regions and topics, promo footers."""

from django.contrib import admin
from django.db import models
from reversion.admin import VersionAdmin

from ..models import Author, PromoFooter, RegionTag, TopicTag


@admin.register(Author)
class AuthorAdmin(VersionAdmin):
    list_display = ["name", "title", "user"]
    search_fields = ["name", "title"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(TopicTag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(RegionTag)
class RegionTagAdmin(TagAdmin):
    """Regions form a tree: each may lie in another (a move that would make a cycle is refused by `clean()`)."""

    list_display = ["name", "parent", "slug"]
    list_select_related = ["parent"]
    search_fields = ["name", "parent__name"]
    autocomplete_fields = ["parent"]
    fields = ["name", "slug", "parent", "description"]


@admin.register(PromoFooter)
class PromoFooterAdmin(VersionAdmin):
    # A teaser address typed without a scheme is taken as https, as Django 6 will.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "is_default", "teaser_article", "teaser_text", "starts_at", "ends_at"]
    list_filter = ["is_default"]
    autocomplete_fields = ["teaser_article"]
    search_fields = ["name", "tagline", "teaser_text"]
