"""The change form's background writes: autosaves, the edit lease, and restoring or discarding an autosave.

The autosave view answers in JSON for the change form's script; the story itself
is never written here (see `articles.autosave`).
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from .. import autosave, text
from ..exceptions import AutosaveError
from ..models import Autosave
from ..sanitizer import sanitize_html

post_only = method_decorator(require_POST)

RESTORE_PARAMETER = "restore"


class AutosaveForm(forms.Form):
    """What the change form's script posts: the version it opened, whether to keep the text, and the text."""

    loaded_version = forms.IntegerField(min_value=0)
    store = forms.BooleanField(required=False)

    def content(self):
        """The autosaved fields as posted (absent ones left out); `articles.autosave` checks them."""
        return {name: self.data[name] for name in autosave.AUTOSAVED_FIELDS if name in self.data}


def _local(moment):
    return date_format(timezone.localtime(moment), "j F Y, H:i:s")


def editors_json(leases):
    return [{"name": lease.user.get_username(), "since": _local(lease.opened_at)} for lease in leases]


class AutosaveViewsMixin:
    """Autosave, edit lease and restore for the article admin; mixed in before `WorkflowViewsMixin`."""

    def get_urls(self):
        def route(pattern, view, name):
            return path(pattern, self.admin_site.admin_view(view), name=f"articles_article_{name}")

        extra = [
            route("<int:pk>/autosave/", self.autosave_view, "autosave"),
            route("<int:pk>/autosave/discard/", self.autosave_discard_view, "autosave_discard"),
        ]
        return extra + super().get_urls()

    @post_only
    def autosave_view(self, request, pk):
        """Refresh the edit lease and, when asked, keep the posted text as this editor's autosave."""
        article = self._article_for(request, pk)
        form = AutosaveForm(request.POST)
        if not form.is_valid():
            return JsonResponse({"error": "This form is missing its version stamp; reload the page."}, status=400)
        autosave.edit_lease_refresh(article=article, user=request.user)
        saved_at = None
        if form.cleaned_data["store"]:
            try:
                kept = autosave.autosave_store(
                    article=article,
                    user=request.user,
                    content=form.content(),
                    based_on_version=form.cleaned_data["loaded_version"],
                )
            except AutosaveError as error:
                return JsonResponse({"error": str(error)}, status=400)
            saved_at = _local(kept.saved_at)
        others = autosave.others_editing(article=article, user=request.user)
        return JsonResponse({"saved_at": saved_at, "editors": editors_json(others)})

    @post_only
    def autosave_discard_view(self, request, pk):
        article = self._article_for(request, pk)
        if autosave.autosave_discard(article=article, user=request.user):
            messages.success(request, "Your autosaved text of this story was discarded.")
        return self._back(article)

    # The change form -------------------------------------------------------------------------------------------------

    def autosave_to_restore(self, request, obj):
        """The autosave to load into the form, when the editor asked to restore one."""
        if request.method != "GET" or obj is None or request.GET.get(RESTORE_PARAMETER) != "autosave":
            return None
        if not self.has_change_permission(request, obj):
            return None
        return Autosave.objects.filter(article=obj, user=request.user).first()

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The change form, with the editor's autosave as its starting values when they chose to restore it.

        Only what the form shows changes: the story is untouched, so the form still counts the restored
        text as a change (a live story's correction prompt included) and Save writes it.
        """
        form_class = super().get_form(request, obj, change, **kwargs)
        kept = self.autosave_to_restore(request, obj)
        if kept is None:
            return form_class
        restored = kept.content

        class RestoredForm(form_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for name, value in restored.items():
                    if name in self.fields:
                        self.initial[name] = value

        return RestoredForm

    def body_field(self, request, obj):
        """The body on the change form: the editor, or for read-only users the rendered text."""
        if obj is not None and not self.has_change_permission(request, obj):
            return "body_rendered"
        return "body"

    @admin.display(description="body")
    def body_rendered(self, article):
        # Stored sanitised; cleaned again here so the page never trusts the column alone.
        return format_html('<div class="body-rendered">{}</div>', mark_safe(sanitize_html(article.body)))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(self.drafts_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        """Saved: the editor's autosave of the story is spent."""
        autosave.autosave_discard(article=obj, user=request.user)
        return super().response_change(request, obj)

    def drafts_context(self, request, article):
        """What the change form's script needs: where to autosave, how often, and what is pending."""
        context = {
            "autosave_seconds": settings.DESK_AUTOSAVE_SECONDS,
            "words_per_minute": text.WORDS_PER_MINUTE,
            "storage_key": f"newsroom:article:{article.pk if article else 'new'}:{request.user.pk}",
        }
        if article is None or not self.has_change_permission(request, article):
            return context
        if request.method == "GET":
            # Opening the form takes the edit lease at once; the form's script renews it while it stays open.
            autosave.edit_lease_refresh(article=article, user=request.user)
        restored = self.autosave_to_restore(request, article)
        pending = None if restored else autosave.pending_autosave(article=article, user=request.user)
        kept = restored or pending
        return {
            **context,
            "autosave_url": reverse("admin:articles_article_autosave", args=[article.pk]),
            "autosave_discard_url": reverse("admin:articles_article_autosave_discard", args=[article.pk]),
            "restored_autosave": restored,
            "pending_autosave": pending,
            "autosave_is_stale": bool(kept and kept.based_on_version != article.version),
            "restore_autosave_url": (
                reverse("admin:articles_article_change", args=[article.pk]) + f"?{RESTORE_PARAMETER}=autosave"
            ),
            "others_editing": autosave.others_editing(article=article, user=request.user),
        }
