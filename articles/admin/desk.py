"""The desk's article admin: the list, the change form and bulk actions. Every write goes through a service."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from reversion.admin import VersionAdmin

from .. import roles, selectors, services, workflow
from ..exceptions import ArticleError
from ..models import Article, Byline, Correction
from ..suggestions import suggested_tags
from .autosave_views import AutosaveViewsMixin
from .calendar import CalendarViewsMixin
from .filters import (
    BADGE_LABELS,
    AuthorFilter,
    PublishDateFilter,
    PublishMonthFilter,
    PublishYearFilter,
    RegionFilter,
    StatusFilter,
    TopicFilter,
)
from .forms import NO_CORRECTION, ArticleAdminForm
from .history_views import confirm_unpublish_page
from .story_list import StoryListMixin
from .workflow_views import WorkflowViewsMixin


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]


@admin.register(Article)
class ArticleAdmin(CalendarViewsMixin, StoryListMixin, AutosaveViewsMixin, WorkflowViewsMixin, VersionAdmin):
    form = ArticleAdminForm
    list_display = [
        "headline",
        "status_badge",
        "byline_names",
        "region_names",
        "topic_names",
        "last_changed",
        "submitted",
        "publish_at",
        "last_editor",
    ]
    # New work first: what changed last, from the desk's changed index (see StoryListMixin for search order).
    ordering = ["-updated_at", "-pk"]
    # Dates are narrowed with filters, not `date_hierarchy`: its year links read every article's date.
    list_filter = [
        StatusFilter,
        RegionFilter,
        TopicFilter,
        AuthorFilter,
        ("publish_at", PublishDateFilter),
        PublishYearFilter,
        PublishMonthFilter,
    ]
    # Searched by StoryListMixin.get_search_results: ranked words, author names, slugs and public addresses.
    search_fields = ["headline"]
    search_help_text = "Words from the story, an author’s name, a slug, or a story’s public address."
    # One count per list, not two: the unfiltered total costs a second pass over the table.
    show_full_result_count = False
    inlines = [BylineInline]
    actions = ["submit_selected", "publish_selected", "unpublish_selected"]
    readonly_fields = ["status_badge", "publish_at", "embargo_ends_at", "first_published_at", "last_editor"]

    class Media:
        css = {"all": ["articles/admin.css"]}
        js = ["articles/admin.js", "articles/confirm.js"]

    # Lists ----------------------------------------------------------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = request.resolver_match
        if request.method == "GET" and match and match.url_name == "articles_article_changelist":
            # The list reads only what it shows; the change form and bulk actions load whole articles.
            queryset = queryset.for_desk_list()
        else:
            queryset = queryset.select_related("updated_by").with_listing_related()
        # The review state ("changes requested") and the submission time, for the badge and the list.
        return selectors.with_review(roles.visible_articles(request.user, queryset))

    def changelist_view(self, request, extra_context=None):
        """Only a posted bulk action writes: reading the list opens no revision, so no transaction."""
        if request.method == "POST":
            return super().changelist_view(request, extra_context)
        context = {
            "has_change_permission": self.has_change_permission(request),
            "has_recover_permission": self.has_recover_permission(request),
            **(extra_context or {}),
        }
        return super(VersionAdmin, self).changelist_view(request, context)

    @admin.display(description="bylines")
    def byline_names(self, article):
        return ", ".join(byline.author.name for byline in article.desk_bylines)

    @admin.display(description="regions")
    def region_names(self, article):
        return ", ".join(sorted(tag.name for tag in article.desk_regions))

    @admin.display(description="topics")
    def topic_names(self, article):
        return ", ".join(sorted(tag.name for tag in article.desk_topics))

    @admin.display(description="last editor", ordering="updated_by__username")
    def last_editor(self, article):
        return article.updated_by.get_username() if article.updated_by else "—"

    # Permissions: the rules live in articles.roles and articles.workflow --------------------------------------------------------------------

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (obj is None or roles.can_view(request.user, obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or roles.can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return roles.can_delete(request.user)

    def has_recover_permission(self, request):
        return roles.can_delete(request.user)

    def has_submit_permission(self, request):
        return request.user.has_perm("articles.change_article")

    def has_publish_permission(self, request):
        return roles.can_publish(request.user)

    def view_on_site(self, article):
        """Link to the public page only when readers can see it; previews cover the rest."""
        return article.get_absolute_url() if article.is_live else None

    # Change form --------------------------------------------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["headline", "slug", "standfirst", self.body_field(request, obj), "loaded_version"]}),
            ("Sections", {"fields": ["regions", "topics"]}),
            (
                "Hero image",
                {"fields": ["hero", "hero_image", "hero_stash", "hero_alt", "hero_caption", "hero_credit"]},
            ),
            ("Planning", {"fields": ["planned_for"]}),
            ("Source and footer", {"fields": ["source_attribution", "promo_footer"]}),
        ]
        if obj is not None:
            fieldsets.append(
                (
                    "Publishing",
                    {
                        "fields": [
                            "status_badge",
                            "publish_at",
                            "embargo_ends_at",
                            "first_published_at",
                            "last_editor",
                        ],
                        "description": "Changed only with the workflow buttons above the form.",
                    },
                )
            )
        if obj is not None and obj.is_live and self.has_change_permission(request, obj):
            fieldsets.append(("Correction", {"fields": ["correction_kind", "correction_text"]}))
        return fieldsets

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj and obj.address_is_fixed else {"slug": ["headline"]}

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("loaded_version", 1)
        return initial

    def save_model(self, request, obj, form, change):
        services.article_save(article=obj, user=request.user, expected_version=form.cleaned_data.get("loaded_version"))

    def delete_model(self, request, obj):
        services.article_delete(article=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            services.article_delete(article=article, user=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        author = getattr(request.user, "author_profile", None)
        if not change and author and not article.byline_set.exists():
            services.article_set_bylines(article=article, authors=[author])
        kind = form.cleaned_data.get("correction_kind")
        if kind and kind != NO_CORRECTION:
            services.correction_add(
                article=article, user=request.user, kind=kind, text=form.cleaned_data["correction_text"]
            )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        region_ids = [tag.pk for tag in form.initial.get("regions") or []] if obj else []
        topic_ids = [tag.pk for tag in form.initial.get("topics") or []] if obj else []
        suggested_regions, suggested_topics = (
            suggested_tags(
                headline=obj.headline,
                standfirst=obj.standfirst,
                body=obj.body,
                region_ids=region_ids,
                topic_ids=topic_ids,
            )
            if obj
            else ([], [])
        )
        context.update(
            suggested_regions=suggested_regions,
            suggested_topics=suggested_topics,
            suggest_url=reverse("admin:articles_article_suggest"),
        )
        if obj is not None:
            context.update(self.workflow_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def workflow_context(self, request, article):
        user = request.user
        return {
            "article": article,
            "desk_state": article.desk_state,
            "desk_state_label": BADGE_LABELS[article.desk_state],
            "allowed_transitions": workflow.allowed_transitions(user, article),
            "missing_for_publication": article.missing_for_publication(),
            "review": selectors.review_notes(article),
            "transition_log": article.transitions.select_related("user"),
            "corrections": article.corrections.select_related("created_by"),
            "can_write_corrections": roles.can_write_corrections(user) and article.is_live,
            "correction_kinds": Correction.Kind.choices,
            "can_share_preview": roles.can_share_preview(user),
            "preview_links": article.preview_links.select_related("created_by")[:10],
            "staff_preview_url": reverse("reader:staff_preview", kwargs={"pk": article.pk}),
            "now": timezone.now(),
        }

    # Workflow views ---------------------------------------------------------------------------------------------------

    def _bulk(self, request, queryset, service, done, **kwargs):
        succeeded, refused = 0, []
        for article in queryset:
            try:
                service(article=article, user=request.user, **kwargs)
            except (ArticleError, PermissionDenied) as error:
                refused.append(f"“{article.headline}”: {error}")
            else:
                succeeded += 1
        if succeeded:
            self.message_user(
                request, f"{succeeded} {'story' if succeeded == 1 else 'stories'} {done}.", messages.SUCCESS
            )
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description="Submit selected stories for review", permissions=["submit"])
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, services.article_submit, "submitted for review")

    @admin.action(description="Publish selected stories now", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, services.article_publish, "published")

    @admin.action(description="Unpublish selected stories", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        if request.POST.get("confirm") != "yes":
            # Taking stories down is asked first, listing them; the page posts the same action back confirmed.
            return confirm_unpublish_page(self, request, queryset)
        self._bulk(request, queryset, services.article_unpublish, "unpublished")
