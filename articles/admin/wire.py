"""The desk's wire inbox: the list of copy that arrived, a preview of each, one click to a draft or to discard,
and an upload form for files sent by email or saved by hand. Every write goes through `articles.inbox`."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from .. import inbox
from ..exceptions import ArticleError
from ..models import RegionTag, TopicTag, WireItem
from ..sanitizer import sanitize_html
from ..wire import MAX_FILE_BYTES

MAX_UPLOAD_FILES = 50


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        cleaned = [super(MultipleFileField, self).clean(file, initial) for file in files if file]
        if not cleaned:
            raise forms.ValidationError("Choose at least one file.")
        if len(cleaned) > MAX_UPLOAD_FILES:
            raise forms.ValidationError(f"At most {MAX_UPLOAD_FILES} files at once.")
        return cleaned


class WireUploadForm(forms.Form):
    files = MultipleFileField(
        help_text=f"Plain-text wire copy or ninjs .json items, each at most {MAX_FILE_BYTES // 1024 // 1024} MB."
    )
    source = forms.CharField(
        required=False, max_length=300, help_text="Source attribution for copy that names none, e.g. “Reuters”."
    )
    regions = forms.ModelMultipleChoiceField(
        RegionTag.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Given to every file, with those a ninjs item names itself.",
    )
    topics = forms.ModelMultipleChoiceField(
        TopicTag.objects.all(), required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    create_tags = forms.BooleanField(
        required=False,
        label="Create missing regions and topics",
        help_text="Only for ninjs items naming regions or topics the desk does not have yet; otherwise they are "
        "refused, so that a misspelt place never becomes a section.",
    )


@admin.register(WireItem)
class WireItemAdmin(admin.ModelAdmin):
    list_display = ["headline", "status", "source_attribution", "received_at", "story"]
    list_filter = ["status", "kind"]
    search_fields = ["headline", "source_name"]
    list_select_related = ["article"]
    fields = [
        "status",
        "headline",
        "standfirst",
        "preview",
        "footer_line",
        "source_attribution",
        "region_names",
        "topic_names",
        "author_names",
        "kind",
        "source_name",
        "received_at",
        "received_by",
        "handled_at",
        "handled_by",
        "story",
    ]
    readonly_fields = fields
    change_form_template = "admin/articles/wireitem/change_form.html"
    change_list_template = "admin/articles/wireitem/change_list.html"

    def has_add_permission(self, request):
        return False  # Copy arrives by the upload form or `ingest_wire`, never typed in.

    def has_delete_permission(self, request, obj=None):
        return False  # Discarded copy stays listed, so the same copy is recognised if it comes again.

    @admin.display(description="preview")
    def preview(self, item):
        # Copy from outside is cleaned like every story body before the desk shows it.
        return mark_safe(f'<div class="wire-preview">{sanitize_html(item.body)}</div>')

    @admin.display(description="regions")
    def region_names(self, item):
        return ", ".join(item.regions) or "—"

    @admin.display(description="topics")
    def topic_names(self, item):
        return ", ".join(item.topics) or "—"

    @admin.display(description="bylines")
    def author_names(self, item):
        return ", ".join(item.authors) or "—"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {"title": "Wire copy", **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="story")
    def story(self, item):
        if item.article_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:articles_article_change", args=[item.article_id]), item.article
        )

    def get_urls(self):
        def route(pattern, view, name):
            return path(pattern, self.admin_site.admin_view(view), name=f"articles_wireitem_{name}")

        return [
            route("upload/", self.upload_view, "upload"),
            route("<int:pk>/draft/", self.draft_view, "draft"),
            route("<int:pk>/discard/", self.discard_view, "discard"),
            *super().get_urls(),
        ]

    def _item(self, request, pk):
        if not inbox.can_handle_wire(request.user):
            raise PermissionDenied
        item = WireItem.objects.filter(pk=pk).first()
        if item is None:
            messages.error(request, "That wire item no longer exists.")
        return item

    @method_decorator(require_POST)
    def draft_view(self, request, pk):
        item = self._item(request, pk)
        if item is None:
            return redirect("admin:articles_wireitem_changelist")
        try:
            article = inbox.wire_make_draft(item=item, user=request.user)
        except ArticleError as error:
            messages.error(request, str(error))
            return redirect("admin:articles_wireitem_change", item.pk)
        messages.success(request, f"“{article.headline}” is a draft now: check it, add a standfirst and bylines.")
        return redirect("admin:articles_article_change", article.pk)

    @method_decorator(require_POST)
    def discard_view(self, request, pk):
        item = self._item(request, pk)
        if item is None:
            return redirect("admin:articles_wireitem_changelist")
        try:
            inbox.wire_discard(item=item, user=request.user)
        except ArticleError as error:
            messages.error(request, str(error))
            return redirect("admin:articles_wireitem_change", item.pk)
        messages.success(request, f"“{item.headline}” was discarded.")
        return redirect("admin:articles_wireitem_changelist")

    def upload_view(self, request):
        if not request.user.has_perm("articles.add_wireitem"):
            raise PermissionDenied
        form = WireUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            taken, refused = [], []
            for upload in form.cleaned_data["files"]:
                try:
                    if upload.size > MAX_FILE_BYTES:
                        raise ArticleError(f"{upload.name}: larger than {MAX_FILE_BYTES // 1024 // 1024} MB.")
                    taken.append(
                        inbox.wire_receive(
                            raw=upload.read(),
                            name=upload.name,
                            source=form.cleaned_data["source"],
                            regions=[tag.name for tag in form.cleaned_data["regions"]],
                            topics=[tag.name for tag in form.cleaned_data["topics"]],
                            create_tags=form.cleaned_data["create_tags"],
                            user=request.user,
                        )
                    )
                except ArticleError as error:
                    refused.append(str(error))
            for reason in refused:
                messages.error(request, reason)
            if taken:
                messages.success(request, f"{len(taken)} in the wire inbox: {', '.join(i.headline for i in taken)}.")
            if not refused:
                return redirect("admin:articles_wireitem_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Upload wire copy",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/articles/wireitem/upload.html", context)
