"""The desk's small POST views: workflow steps, corrections, preview links, restoring a version, tag suggestions.

Each checks the article is one this user may open, calls one service, then
leaves a message and goes back to the article. A role that may not act gets
the service's `WorkflowPermissionError`, a 403; a state that does not allow
the step gets a message and loses nothing.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.views.decorators.http import require_POST
from reversion.models import Version

from .. import diffs, services, workflow
from ..exceptions import ArticleError
from ..models import Article, PreviewLink
from ..suggestions import suggested_tags
from .filters import BADGE_LABELS
from .forms import CorrectionForm, SuggestForm, TransitionForm

post_only = method_decorator(require_POST)

# What the version page compares: (label, version field, how to read it).
COMPARED_FIELDS = (
    ("Headline", "headline", str),
    ("Standfirst", "standfirst", str),
    ("Body", "body", diffs.html_to_lines),
    ("Source", "source_attribution", str),
    ("Hero image", "hero_image", str),
    ("Hero alt text", "hero_alt", str),
    ("Hero credit", "hero_credit", str),
)


def first_error(form):
    return next(iter(form.errors.values()))[0]


class WorkflowViewsMixin:
    """The article admin's extra views; the rules they apply live in the services and `articles.workflow`."""

    def get_urls(self):
        def route(pattern, view, name):
            return path(pattern, self.admin_site.admin_view(view), name=f"articles_article_{name}")

        extra = [
            route("suggest/", self.suggest_view, "suggest"),
            route("<int:pk>/transition/<str:name>/", self.transition_view, "transition"),
            route("<int:pk>/correction/", self.correction_view, "correction"),
            route("<int:pk>/preview-links/", self.preview_link_view, "preview_link"),
            route("<int:pk>/preview-links/<int:link_pk>/revoke/", self.preview_link_revoke_view, "preview_link_revoke"),
            route("<int:pk>/history/<int:version_id>/restore/", self.restore_view, "restore"),
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

    @post_only
    def transition_view(self, request, pk, name):
        article = self._article_for(request, pk)
        transition = workflow.TRANSITIONS.get(name)
        if transition is None:
            raise Http404("No such workflow step.")
        form = TransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, first_error(form))
            return self._back(article)
        comment = form.cleaned_data["comment"]
        run = {
            workflow.SUBMIT: services.article_submit,
            workflow.REQUEST_CHANGES: services.article_request_changes,
            workflow.UNPUBLISH: services.article_unpublish,
        }.get(transition)
        try:
            if transition is workflow.PUBLISH:
                services.article_publish(
                    article=article,
                    user=request.user,
                    publish_at=form.cleaned_data["publish_at"],
                    embargo_ends_at=form.cleaned_data["embargo_ends_at"],
                    comment=comment,
                )
            else:
                run(article=article, user=request.user, comment=comment)
        except ArticleError as error:
            messages.error(request, str(error))
            return self._back(article)
        article.refresh_from_db()
        messages.success(request, f"“{article.headline}” is now {BADGE_LABELS[article.desk_state].lower()}.")
        # A reporter cannot open an article once it has left their hands; send them to the list.
        if not self.has_view_permission(request, article):
            return redirect(reverse("admin:articles_article_changelist"))
        return self._back(article)

    @post_only
    def correction_view(self, request, pk):
        article = self._article_for(request, pk)
        form = CorrectionForm(request.POST)
        form.is_valid()  # Both fields are optional strings: the service says what is wrong with them.
        try:
            services.correction_add(
                article=article, user=request.user, kind=form.cleaned_data["kind"], text=form.cleaned_data["text"]
            )
        except ArticleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "The note was added; readers see it at the foot of the article.")
        return self._back(article)

    @post_only
    def preview_link_view(self, request, pk):
        article = self._article_for(request, pk)
        link = services.preview_link_create(article=article, user=request.user)
        url = request.build_absolute_uri(link.get_absolute_url())
        expires = date_format(timezone.localtime(link.expires_at), "j F Y, H:i")
        messages.success(request, f"Preview link (works until {expires}): {url}")
        return self._back(article)

    @post_only
    def preview_link_revoke_view(self, request, pk, link_pk):
        article = self._article_for(request, pk)
        link = get_object_or_404(PreviewLink, pk=link_pk, article=article)
        services.preview_link_revoke(link=link, user=request.user)
        messages.success(request, "The preview link no longer works.")
        return self._back(article)

    @post_only
    def suggest_view(self, request):
        """Suggested regions and topics for the text being written, from the existing vocabularies."""
        if not request.user.has_perm("articles.view_article"):
            raise PermissionDenied
        form = SuggestForm(request.POST)
        form.is_valid()  # Every field is an optional string.
        regions, topics = suggested_tags(**form.cleaned_data, region_ids=form.region_ids, topic_ids=form.topic_ids)
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
        for label, name, convert in COMPARED_FIELDS:
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

    @post_only
    def restore_view(self, request, pk, version_id):
        article = self._article_for(request, pk)
        version = get_object_or_404(self._article_versions(article), pk=version_id)
        try:
            services.article_restore_version(article=article, version=version, user=request.user)
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
