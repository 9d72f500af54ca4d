"""The desk's history of a story: every saved version, compare any two, restore one, recover from the trash.

Reading versions is `articles.versions`; restoring and settling a recovered story are services. A reporter
sees the history of the stories they may open; restoring needs the right to edit the story now; the
trash is held to the rule for deleting.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from js_asset import Media
from reversion.admin import VersionAdmin
from reversion.models import Version

from .. import diffs, services, versions
from ..exceptions import ArticleError
from ..models import Article
from .forms import CompareForm, RestoreForm


class HistoryViewsMixin:
    """History, compare, restore and recover for the article admin (a `VersionAdmin`)."""

    history_latest_first = True
    history_order_by_date = True
    object_history_template = "admin/articles/article/object_history.html"
    recover_list_template = "admin/articles/article/recover_list.html"
    recover_form_template = "admin/articles/article/recover_form.html"
    # Offers "Recover deleted stories" only to those who may recover (reversion's own list offers it to all).
    change_list_template = "admin/articles/article/change_list.html"

    def get_urls(self):
        def route(pattern, view, name):
            return path(pattern, self.admin_site.admin_view(view), name=f"articles_article_{name}")

        extra = [
            route("<int:pk>/history/compare/", self.compare_view, "compare"),
            route("<int:pk>/history/<int:version_id>/restore/", self.restore_view, "restore"),
        ]
        return extra + super().get_urls()

    def _story(self, request, pk):
        """The story if this user may open it; others' drafts simply do not exist for a reporter."""
        article = self.get_queryset(request).filter(pk=pk).first() if str(pk).isdigit() else None
        if article is None:
            raise Http404("No such story.")
        return article

    def _page(self, request, article, template, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": article,
                "history_url": reverse("admin:articles_article_history", args=[article.pk]),
                **context,
            },
        )

    # History and compare ----------------------------------------------------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        """Every saved version, newest first, to the second, each labelled with what it changed."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        article = self.get_queryset(request).filter(pk=object_id).first() if str(object_id).isdigit() else None
        if article is None or not self.has_view_or_change_permission(request, article):
            # Django's own answer: back to the index for a missing story, 403 for a refused one.
            return super(VersionAdmin, self).history_view(request, object_id, extra_context)
        story_versions = list(versions.story_versions(article))
        snapshots = versions.snapshots(story_versions)
        rows = []
        for index, version in enumerate(story_versions):
            older = story_versions[index + 1] if index + 1 < len(story_versions) else None
            summary = versions.summary(snapshots[older.pk] if older else None, snapshots[version.pk])
            rows.append(
                {
                    "version": version,
                    "url": reverse("admin:articles_article_revision", args=[article.pk, version.pk]),
                    "action": version.revision.get_comment() or summary,
                    "summary": summary,
                    "state": snapshots[version.pk][versions.STATUS_LABEL],
                }
            )
        context = {
            "action_list": rows,
            "compare_url": reverse("admin:articles_article_compare", args=[article.pk]),
            "title": f"History of “{article.headline}”",
            **(extra_context or {}),
        }
        return super(VersionAdmin, self).history_view(request, object_id, context)

    def _compare_page(self, request, article, older, newer, story_versions, **context):
        snapshots = versions.snapshots([v for v in (older, newer) if v is not None])
        return self._page(
            request,
            article,
            "admin/articles/article/version.html",
            version=newer,
            previous=older,
            changes=versions.changes(snapshots[older.pk] if older else None, snapshots[newer.pk]),
            status_then=snapshots[newer.pk][versions.STATUS_LABEL],
            story_versions=story_versions,
            compare_url=reverse("admin:articles_article_compare", args=[article.pk]),
            can_restore=self.has_change_permission(request, article),
            restore_url=reverse("admin:articles_article_restore", args=[article.pk, newer.pk]),
            **context,
        )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """One saved version: what changed from the version before it, and a way to restore it."""
        article = self._story(request, object_id)
        story_versions = list(versions.story_versions(article))
        version = next((v for v in story_versions if v.pk == int(version_id)), None)
        if version is None:
            raise Http404("No such version of this story.")
        index = story_versions.index(version)
        older = story_versions[index + 1] if index + 1 < len(story_versions) else None
        return self._compare_page(
            request, article, older, version, story_versions, title=f"Version of {_when(version)}"
        )

    def compare_view(self, request, pk):
        """Any two versions of the story side by side, the older first whichever way round they were chosen."""
        article = self._story(request, pk)
        story_versions = list(versions.story_versions(article))
        by_pk = {version.pk: version for version in story_versions}
        form = CompareForm(request.GET)
        if not form.is_valid() or not {form.cleaned_data["older"], form.cleaned_data["newer"]} <= by_pk.keys():
            messages.error(request, "Choose two saved versions of this story to compare.")
            return redirect(reverse("admin:articles_article_history", args=[article.pk]))
        older, newer = by_pk[form.cleaned_data["older"]], by_pk[form.cleaned_data["newer"]]
        if older.pk == newer.pk:
            messages.error(request, "Choose two different versions to compare.")
            return redirect(reverse("admin:articles_article_history", args=[article.pk]))
        if story_versions.index(older) < story_versions.index(newer):
            older, newer = newer, older
        return self._compare_page(
            request,
            article,
            older,
            newer,
            story_versions,
            title=f"Versions of {_when(older)} and {_when(newer)} compared",
            compared=True,
        )

    # Restore ----------------------------------------------------------------------------------------------------------

    def restore_view(self, request, pk, version_id):
        """Ask first, showing what will change; a live story whose text changes gets the correction choice."""
        article = self._story(request, pk)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        version = versions.story_versions(article).filter(pk=version_id).first()
        if version is None:
            raise Http404("No such version of this story.")
        fields = version.field_dict
        text_changes = fields.get("headline") != article.headline or not diffs.same_html(
            fields.get("body"), article.body
        )
        form = RestoreForm(
            request.POST if request.method == "POST" else None, needs_correction=article.is_live and text_changes
        )
        if request.method == "POST" and form.is_valid():
            kind, note = form.correction
            try:
                services.article_restore_version(
                    article=article, version=version, user=request.user, correction_kind=kind, correction_text=note
                )
            except ArticleError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, "That version is restored as the newest version; nothing was deleted.")
            return redirect(reverse("admin:articles_article_change", args=[article.pk]))
        current = versions.story_versions(article).first()
        snapshots = versions.snapshots([v for v in (current, version) if v is not None])
        return self._page(
            request,
            article,
            "admin/articles/article/restore_confirm.html",
            title=f"Restore the version of {_when(version)}?",
            version=version,
            form=form,
            changes=versions.changes(snapshots[current.pk] if current else None, snapshots[version.pk]),
            keeps_slug=article.address_is_fixed and fields.get("slug") != article.slug,
            is_live=article.is_live,
            version_url=reverse("admin:articles_article_revision", args=[article.pk, version.pk]),
        )

    # The trash: django-reversion lets anyone who may add and change recover any deleted article, including
    # another reporter's, so recovering is held to the rule for deleting.

    def recoverlist_view(self, request, extra_context=None):
        if not self.has_recover_permission(request):
            raise PermissionDenied
        return super().recoverlist_view(request, {"title": "Recover deleted stories", **(extra_context or {})})

    def recover_view(self, request, version_id, extra_context=None):
        """The story as it was deleted, with its corrections, bylines, tags and workflow log; it comes back
        unpublished (see `changeform_view`)."""
        if not self.has_recover_permission(request):
            raise PermissionDenied
        version = Version.objects.get_for_model(Article).filter(pk=version_id).first()
        if version is None or Article.objects.filter(pk=version.object_id).exists():
            raise Http404("That story is not in the trash.")
        request.recovering_story = True
        context = {"title": f"Recover “{version.object_repr}”", **(extra_context or {})}
        with transaction.atomic():
            response = super().recover_view(request, version_id, context)
        if request.method == "POST" and response.status_code == 302:
            messages.info(request, "The story is back, unpublished: publish it again when it is ready.")
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Recovering: django-reversion has put the story back inside this transaction; settle it before the
        # form reads it, so the form shows (and saves) the story unpublished. A GET rolls all of it back.
        if getattr(request, "recovering_story", False) and object_id:
            article = Article.objects.filter(pk=object_id).first()
            if article is not None:
                services.article_settle_recovered(article=article, user=request.user)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # django-reversion renders the recover form inside the view, before the middleware that gives the
        # form media the CSP nonce runs; give it here so the rich-text editor loads.
        nonce = getattr(request, "csp_nonce", None)
        media = context.get("media")
        if getattr(request, "recovering_story", False) and nonce is not None and media is not None:
            context["media"] = Media.from_media(media, nonce=str(nonce))
        return super().render_change_form(request, context, add, change, form_url, obj)


def _when(version):
    return f"{timezone.localtime(version.revision.date_created):%d/%m/%Y %H:%M:%S %Z}"


def confirm_unpublish_page(model_admin, request, queryset):
    """The bulk unpublish action's question: these stories leave every public page at once; go ahead?"""
    stories = list(queryset)
    return TemplateResponse(
        request,
        "admin/articles/article/unpublish_confirm.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": "Unpublish these stories?",
            "stories": stories,
            "live_count": sum(story.is_live for story in stories),
            "action_checkbox_name": "_selected_action",
        },
    )
