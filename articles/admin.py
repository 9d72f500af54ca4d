"""The editors' desk. Every state change and every save goes through `articles.services`."""

import calendar
from datetime import datetime
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ALL_VAR, ORDER_VAR, PAGE_VAR
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from reversion.admin import VersionAdmin
from reversion.models import Version

from . import cache as page_cache
from . import diffs, roles, services
from .exceptions import ArticleError, EditConflictError, WorkflowPermissionError
from .models import (
    Article,
    Author,
    Byline,
    Correction,
    PreviewLink,
    PromoFooter,
    RegionTag,
    TaggedRegion,
    TaggedTopic,
    TopicTag,
)
from .pagination import GenerationCountPaginator
from .suggestions import suggested_tags

BADGE_LABELS = {
    "draft": "Draft",
    "in_review": "In review",
    "scheduled": "Scheduled",
    "live": "Live",
    "unpublished": "Unpublished",
}
NO_CORRECTION = "none"


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]


def vocabulary_field(model, field_name, label):
    return forms.ModelMultipleChoiceField(
        queryset=model.objects.all(),
        required=False,
        label=label,
        widget=AutocompleteSelectMultiple(Article._meta.get_field(field_name), admin.site),
        help_text="Type to search the vocabulary. New names are added by an Admin under Regions or Topics.",
    )


class ArticleAdminForm(forms.ModelForm):
    """The change form: content only. State and publish times change through the workflow buttons."""

    regions = vocabulary_field(RegionTag, "regions", "Regions")
    topics = vocabulary_field(TopicTag, "topics", "Topics")
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    correction_kind = forms.ChoiceField(
        label="Log a correction?",
        required=False,
        choices=[("", "— choose —"), (NO_CORRECTION, "No note: a typo or style fix"), *Correction.Kind.choices],
        help_text="This article is live. If you changed its headline or body, say whether readers get a note.",
    )
    correction_text = forms.CharField(
        label="Note for readers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown at the foot of the article with today's date.",
    )

    class Meta:
        model = Article
        fields = [*services.CONTENT_FIELDS, "regions", "topics"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("loaded_version", self.instance.version)
        if "slug" in self.fields:
            # Left empty, the model makes the slug from the headline.
            self.fields["slug"].required = False

    def clean(self):
        cleaned = super().clean()
        article = self.instance
        if not article.pk:
            return cleaned
        expected = cleaned.get("loaded_version")
        if expected is None:
            raise forms.ValidationError("This form is missing its version stamp; reload the page and edit again.")
        try:
            with transaction.atomic():
                # Keeps the row locked until the admin's transaction ends, so nobody saves in between.
                services.article_check_version(article=article, expected_version=expected)
        except EditConflictError as error:
            raise forms.ValidationError(str(error), code="conflict") from error
        if "correction_kind" in self.fields and article.is_live:
            text_changed = {"headline", "body"} & set(self.changed_data)
            kind = cleaned.get("correction_kind")
            if text_changed and not kind:
                self.add_error(
                    "correction_kind",
                    "You changed the headline or body of a live article: choose whether to log a correction.",
                )
            if kind and kind != NO_CORRECTION and not cleaned.get("correction_text", "").strip():
                self.add_error("correction_text", "Write the note readers will see.")
        return cleaned


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return list(BADGE_LABELS.items())

    def queryset(self, request, queryset):
        value = self.value()
        if value == "live":
            return queryset.live()
        if value == "scheduled":
            return queryset.filter(status=Article.Status.PUBLISHED).exclude(pk__in=queryset.live().values("pk"))
        if value in Article.Status.values:
            return queryset.filter(status=value)
        return queryset


class VocabularyFilter(admin.SimpleListFilter):
    model = None
    through = None

    def lookups(self, request, model_admin):
        # Tags change rarely and every change moves the content generation.
        return page_cache.per_generation(
            f"admin-filter:{self.model._meta.label}",
            lambda: list(self.model.objects.values_list("slug", "name")),
        )

    def queryset(self, request, queryset):
        # EXISTS rather than a join: no DISTINCT, so the list still walks the order index and stops after a page.
        if self.value():
            return queryset.filter(
                Exists(self.through.objects.filter(content_object=OuterRef("pk"), tag__slug=self.value()))
            )
        return queryset


class RegionFilter(VocabularyFilter):
    title = "region"
    parameter_name = "region"
    model = RegionTag
    through = TaggedRegion


class TopicFilter(VocabularyFilter):
    title = "topic"
    parameter_name = "topic"
    model = TopicTag
    through = TaggedTopic


class AuthorFilter(admin.SimpleListFilter):
    title = "author"
    parameter_name = "author"

    def lookups(self, request, model_admin):
        return page_cache.per_generation(
            "admin-filter:authors", lambda: list(Author.objects.values_list("slug", "name"))
        )

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(Exists(Byline.objects.filter(article=OuterRef("pk"), author__slug=self.value())))
        return queryset


def publish_years():
    """Every year from the first publish time to the last, newest first.

    Two look-ups along the desk order index, once per content generation: the
    years in between are not checked for articles, so no query reads the archive.
    """

    def compute():
        dated = Article.objects.filter(publish_at__isnull=False).values_list("publish_at", flat=True)
        first, last = dated.order_by("publish_at").first(), dated.order_by("-publish_at").first()
        if first is None:
            return []
        return list(range(timezone.localtime(last).year, timezone.localtime(first).year - 1, -1))

    return page_cache.per_generation("admin-filter:publish-years", compute)


class PublishYearFilter(admin.SimpleListFilter):
    """Narrow the list to one year; with a year chosen, `PublishMonthFilter` offers its months."""

    title = "publish year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        return [(str(year), str(year)) for year in publish_years()]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(publish_at__year=int(value))
        return queryset


class PublishMonthFilter(admin.SimpleListFilter):
    title = "publish month"
    parameter_name = "month"

    def lookups(self, request, model_admin):
        if not request.GET.get(PublishYearFilter.parameter_name, "").isdigit():
            return []
        return [(str(month), calendar.month_name[month]) for month in range(1, 13)]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit() and 1 <= int(value) <= 12:
            return queryset.filter(publish_at__month=int(value))
        return queryset


@admin.register(Article)
class ArticleAdmin(VersionAdmin):
    form = ArticleAdminForm
    list_display = [
        "headline",
        "status_badge",
        "byline_names",
        "region_names",
        "topic_names",
        "publish_at",
        "last_editor",
    ]
    # Dates are narrowed with filters, not `date_hierarchy`: its year links read every article's date.
    list_filter = [
        StatusFilter,
        RegionFilter,
        TopicFilter,
        AuthorFilter,
        "publish_at",
        PublishYearFilter,
        PublishMonthFilter,
    ]
    search_fields = ["headline", "standfirst", "body"]
    # One count per list, not two: the unfiltered total costs a second pass over the table.
    show_full_result_count = False
    inlines = [BylineInline]
    actions = ["submit_selected", "publish_selected", "unpublish_selected"]
    readonly_fields = ["status_badge", "publish_at", "embargo_ends_at", "first_published_at", "last_editor"]

    class Media:
        css = {"all": ["articles/admin.css"]}
        js = ["articles/admin.js"]

    # Lists ----------------------------------------------------------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = request.resolver_match
        if request.method == "GET" and match and match.url_name == "articles_article_changelist":
            # The list reads only what it shows; the change form and bulk actions load whole articles.
            queryset = queryset.for_desk_list()
        else:
            queryset = queryset.select_related("updated_by").with_listing_related()
        return roles.visible_articles(request.user, queryset)

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        """Each list (who asks, filters, search) is counted once per content generation, not per request."""
        params = sorted(
            (key, values) for key, values in request.GET.lists() if key not in {PAGE_VAR, ORDER_VAR, ALL_VAR}
        )
        scope = "desk" if roles.is_editor(request.user) else f"user:{request.user.pk}"
        return GenerationCountPaginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            count_name=f"admin-articles:{scope}:{urlencode(params, doseq=True)}",
        )

    def changelist_view(self, request, extra_context=None):
        """Only a posted bulk action writes: reading the list opens no revision, so no transaction."""
        if request.method == "POST":
            return super().changelist_view(request, extra_context)
        context = {"has_change_permission": self.has_change_permission(request), **(extra_context or {})}
        return super(VersionAdmin, self).changelist_view(request, context)

    @admin.display(description="status")
    def status_badge(self, article):
        state = article.desk_state
        return format_html('<span class="badge badge--{}">{}</span>', state, BADGE_LABELS[state])

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

    # Permissions: the rules live in articles.roles --------------------------------------------------------------------

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
            (None, {"fields": ["headline", "slug", "standfirst", "body", "loaded_version"]}),
            ("Sections", {"fields": ["regions", "topics"]}),
            ("Hero image", {"fields": ["hero_image", "hero_alt", "hero_caption", "hero_credit"]}),
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
        return {} if obj and obj.first_published_at else {"slug": ["headline"]}

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
            "allowed_transitions": roles.allowed_transitions(user, article),
            "missing_for_publication": article.missing_for_publication(),
            "transition_log": article.transitions.select_related("user"),
            "corrections": article.corrections.select_related("created_by"),
            "can_write_corrections": roles.can_write_corrections(user) and article.is_live,
            "correction_kinds": Correction.Kind.choices,
            "can_share_preview": roles.can_share_preview(user),
            "preview_links": article.preview_links.select_related("created_by")[:10],
            "staff_preview_url": reverse("articles:staff_preview", kwargs={"pk": article.pk}),
            "now": timezone.now(),
        }

    # Workflow views ---------------------------------------------------------------------------------------------------

    def get_urls(self):
        extra = [
            path("suggest/", self.admin_site.admin_view(self.suggest_view), name="articles_article_suggest"),
            path(
                "<int:pk>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="articles_article_transition",
            ),
            path(
                "<int:pk>/correction/",
                self.admin_site.admin_view(self.correction_view),
                name="articles_article_correction",
            ),
            path(
                "<int:pk>/preview-links/",
                self.admin_site.admin_view(self.preview_link_view),
                name="articles_article_preview_link",
            ),
            path(
                "<int:pk>/preview-links/<int:link_pk>/revoke/",
                self.admin_site.admin_view(self.preview_link_revoke_view),
                name="articles_article_preview_link_revoke",
            ),
            path(
                "<int:pk>/history/<int:version_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="articles_article_restore",
            ),
        ]
        return extra + super().get_urls()

    def _article_for(self, request, pk):
        """The article if this user may see it; others' drafts simply do not exist for a reporter."""
        article = self.get_queryset(request).filter(pk=pk).first()
        if article is None:
            raise Http404("No such article.")
        return article

    def _back(self, article):
        return redirect(reverse("admin:articles_article_change", args=[article.pk]))

    def transition_view(self, request, pk, name):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_for(request, pk)
        transition = roles.TRANSITIONS.get(name)
        if transition is None:
            raise Http404("No such workflow step.")
        comment = request.POST.get("comment", "")
        try:
            if transition is roles.SUBMIT:
                services.article_submit(article=article, user=request.user, comment=comment)
            elif transition is roles.REQUEST_CHANGES:
                services.article_request_changes(article=article, user=request.user, comment=comment)
            elif transition is roles.PUBLISH:
                services.article_publish(
                    article=article,
                    user=request.user,
                    publish_at=parse_local_datetime(request.POST.get("publish_at")),
                    embargo_ends_at=parse_local_datetime(request.POST.get("embargo_ends_at")),
                    comment=comment,
                )
            else:
                services.article_unpublish(article=article, user=request.user, comment=comment)
        except WorkflowPermissionError as error:
            raise PermissionDenied(str(error)) from error
        except (ArticleError, ValueError) as error:
            messages.error(request, str(error))
            return self._back(article)
        article.refresh_from_db()
        messages.success(request, f"“{article.headline}” is now {BADGE_LABELS[article.desk_state].lower()}.")
        # A reporter cannot open an article once it has left their hands; send them to the list.
        if not self.has_view_permission(request, article):
            return redirect(reverse("admin:articles_article_changelist"))
        return self._back(article)

    def correction_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_for(request, pk)
        try:
            services.correction_add(
                article=article,
                user=request.user,
                kind=request.POST.get("kind", ""),
                text=request.POST.get("text", ""),
            )
        except WorkflowPermissionError as error:
            raise PermissionDenied(str(error)) from error
        except ArticleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "The note was added; readers see it at the foot of the article.")
        return self._back(article)

    def preview_link_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_for(request, pk)
        try:
            link = services.preview_link_create(article=article, user=request.user)
        except WorkflowPermissionError as error:
            raise PermissionDenied(str(error)) from error
        url = request.build_absolute_uri(link.get_absolute_url())
        expires = date_format(timezone.localtime(link.expires_at), "j F Y, H:i")
        messages.success(request, f"Preview link (works until {expires}): {url}")
        return self._back(article)

    def preview_link_revoke_view(self, request, pk, link_pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_for(request, pk)
        link = get_object_or_404(PreviewLink, pk=link_pk, article=article)
        try:
            services.preview_link_revoke(link=link, user=request.user)
        except WorkflowPermissionError as error:
            raise PermissionDenied(str(error)) from error
        messages.success(request, "The preview link no longer works.")
        return self._back(article)

    def suggest_view(self, request):
        """Suggested regions and topics for the text being written, from the existing vocabularies."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("articles.view_article"):
            raise PermissionDenied

        def ids(name):
            return [int(value) for value in request.POST.getlist(name) if value.isdigit()]

        regions, topics = suggested_tags(
            headline=request.POST.get("headline", ""),
            standfirst=request.POST.get("standfirst", ""),
            body=request.POST.get("body", ""),
            region_ids=ids("regions"),
            topic_ids=ids("topics"),
        )
        return JsonResponse(
            {
                "regions": [{"id": tag.pk, "name": tag.name} for tag in regions],
                "topics": [{"id": tag.pk, "name": tag.name} for tag in topics],
            }
        )

    # Revisions --------------------------------------------------------------------------------------------------------

    def _article_versions(self, article):
        return Version.objects.get_for_object(article).select_related("revision__user")

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """One saved version: what changed from the version before it, and a button to restore it."""
        article = self._article_for(request, object_id)
        versions = list(self._article_versions(article))
        version = next((v for v in versions if v.pk == int(version_id)), None)
        if version is None:
            raise Http404("No such version of this article.")
        index = versions.index(version)
        previous = versions[index + 1] if index + 1 < len(versions) else None
        new, old = version.field_dict, previous.field_dict if previous else {}
        changes = []
        for label, name, convert in (
            ("Headline", "headline", str),
            ("Standfirst", "standfirst", str),
            ("Body", "body", diffs.html_to_lines),
            ("Source", "source_attribution", str),
            ("Hero image", "hero_image", str),
            ("Hero alt text", "hero_alt", str),
            ("Hero credit", "hero_credit", str),
        ):
            before, after = convert(old.get(name) or ""), convert(new.get(name) or "")
            if diffs.has_changes(before, after):
                changes.append({"label": label, "diff": diffs.diff_html(before, after)})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "title": f"Version of {version.revision.date_created:%d %b %Y %H:%M}",
            "version": version,
            "previous": previous,
            "changes": changes,
            "status_then": Article.Status(new["status"]).label if new.get("status") in Article.Status.values else "",
            "can_restore": self.has_change_permission(request, article),
            "restore_url": reverse("admin:articles_article_restore", args=[article.pk, version.pk]),
            "history_url": reverse("admin:articles_article_history", args=[article.pk]),
        }
        return TemplateResponse(request, "admin/articles/article/version.html", context)

    def restore_view(self, request, pk, version_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_for(request, pk)
        version = get_object_or_404(self._article_versions(article), pk=version_id)
        try:
            services.article_restore_version(article=article, version=version, user=request.user)
        except WorkflowPermissionError as error:
            raise PermissionDenied(str(error)) from error
        except ArticleError as error:
            messages.error(request, str(error))
            return self._back(article)
        messages.success(request, "That version is restored as the newest version; nothing was deleted.")
        return self._back(article)

    # The trash: django-reversion lets anyone who may add and change recover any deleted article, including
    # another reporter's, so recovering is held to the rule for deleting.

    def recoverlist_view(self, request, extra_context=None):
        if not self.has_recover_permission(request):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_recover_permission(request):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    # Bulk actions: each runs the same service, article by article ------------------------------------------------------

    def _bulk(self, request, queryset, service, done, **kwargs):
        succeeded, refused = 0, []
        for article in queryset:
            try:
                service(article=article, user=request.user, **kwargs)
            except ArticleError as error:
                refused.append(f"“{article.headline}”: {error}")
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, f"{succeeded} article(s) {done}.", messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description="Submit selected articles for review", permissions=["submit"])
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, services.article_submit, "submitted for review")

    @admin.action(description="Publish selected articles now", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, services.article_publish, "published")

    @admin.action(description="Unpublish selected articles", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._bulk(request, queryset, services.article_unpublish, "unpublished")


def parse_local_datetime(value):
    """A time typed in the newsroom's time zone (YYYY-MM-DDTHH:MM); None when blank; ValueError when unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"“{value}” is not a date and time; use the picker or YYYY-MM-DD HH:MM.") from error
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


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
