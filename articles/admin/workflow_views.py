"""The desk's small POST views: workflow steps, corrections, preview links, tag suggestions (history: history_views).

Each checks the article is one this user may open, calls one service, then
leaves a message and goes back to the article. A role that may not act gets
the service's `WorkflowPermissionError`, a 403; a state that does not allow
the step gets a message and loses nothing.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from .. import services, workflow
from ..exceptions import ArticleError, WorkflowPermissionError
from ..models import PreviewLink
from ..suggestions import suggested_tags
from .filters import BADGE_LABELS
from .forms import CorrectionForm, SuggestForm, TransitionForm
from .history_views import HistoryViewsMixin

post_only = method_decorator(require_POST)

# The change form's button that names the workflow step to take after saving.
TRANSITION_FIELD = "_transition"


def first_error(form):
    return next(iter(form.errors.values()))[0]


class WorkflowViewsMixin(HistoryViewsMixin):
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

    def _take_step(self, request, article, transition, form):
        """Run the workflow step with the button's comment and times; the message for a refused step, or None."""
        if not form.is_valid():
            return first_error(form)
        run = {
            workflow.SUBMIT: services.article_submit,
            workflow.REQUEST_CHANGES: services.article_request_changes,
            workflow.UNPUBLISH: services.article_unpublish,
            workflow.TAKE_DOWN: services.article_take_down,
            workflow.REINSTATE: services.article_reinstate,
        }.get(transition)
        comment = form.cleaned_data["comment"]
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
            return str(error)
        return None

    def _after_step(self, request, article, *, saved=False):
        article.refresh_from_db()
        state = BADGE_LABELS[article.desk_state].lower()
        messages.success(request, f"{'Saved, and ' if saved else ''}“{article.headline}” is now {state}.")
        # A reporter cannot open an article once it has left their hands; send them to the list.
        if not self.has_view_permission(request, article):
            return redirect(reverse("admin:articles_article_changelist"))
        return self._back(article)

    @post_only
    def transition_view(self, request, pk, name):
        """A workflow step alone, for a form that cannot be edited (the change form's buttons save it first)."""
        article = self._article_for(request, pk)
        transition = workflow.TRANSITIONS.get(name)
        if transition is None:
            raise Http404("No such workflow step.")
        refused = self._take_step(request, article, transition, TransitionForm(request.POST))
        if refused:
            messages.error(request, refused)
            return self._back(article)
        return self._after_step(request, article)

    # The change form's workflow buttons post the whole form: its content is saved, then the step is taken, in
    # the admin's one transaction. An invalid form or an edit conflict shows the form's errors and takes no step.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        request.desk_step = None
        if request.method == "POST" and object_id and TRANSITION_FIELD in request.POST:
            transition = workflow.TRANSITIONS.get(request.POST[TRANSITION_FIELD])
            if transition is None:
                raise Http404("No such workflow step.")
            # A role refused the step is refused before anything is saved (a 403 after the save would leave
            # django-reversion holding a version of the rolled-back edit).
            article = self.get_queryset(request).filter(pk=object_id).first()
            if article is not None and not transition.allowed_for(request.user, article):
                raise WorkflowPermissionError(
                    f"Your role does not allow “{transition.label.lower()}” on this story; nothing was saved."
                )
            request.desk_step = (transition, TransitionForm(request.POST, prefix=transition.name))
        return super().changeform_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        step = getattr(request, "desk_step", None)
        if step is None:
            return super().response_change(request, obj)
        transition, form = step
        refused = self._take_step(request, obj, transition, form)
        if refused:
            # The edit is kept: nothing typed is lost, and the step can be taken again.
            messages.warning(request, f"Your changes were saved, but “{transition.label}” was refused: {refused}")
            return self._back(obj)
        return self._after_step(request, obj, saved=True)

    @post_only
    def correction_view(self, request, pk):
        article = self._article_for(request, pk)
        form = CorrectionForm(request.POST)
        if not form.is_valid():  # Both fields are optional strings: only unusable characters make it invalid.
            messages.error(request, f"{first_error(form)} The note was not added.")
            return self._back(article)
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
