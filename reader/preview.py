"""Previews of articles that readers cannot see yet: for staff, and through shareable links."""

from django.contrib.admin.views.decorators import staff_member_required
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from articles import roles
from articles.models import Article, PreviewLink

from . import readmodel

PREVIEW_TEMPLATE = "reader/article_detail.html"


def _render_preview(request, article, *, editor_url=None):
    """The article page under a "Preview — not published" bar; staff get a link back to the editor in it."""
    context = {
        "article": article,
        "page": readmodel.preview_parts(article),
        "noindex": True,
        "is_preview": True,
        "editor_url": editor_url,
    }
    response = render(request, PREVIEW_TEMPLATE, context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _unavailable(request, message, status):
    response = render(request, "reader/preview_unavailable.html", {"message": message, "noindex": True}, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@staff_member_required
def staff_preview(request, pk):
    """The article exactly as readers will see it, for staff who may open it on the desk."""
    article = roles.visible_articles(request.user).filter(pk=pk).first()
    if article is None:
        raise Http404("No such article.")
    return _render_preview(request, article, editor_url=reverse("admin:articles_article_change", args=[article.pk]))


@never_cache
def shared_preview(request, token):
    """A shareable link: signed, expiring and revocable; once the article is live it leads there."""
    try:
        key = PreviewLink.key_from_token(token)
    except signing.BadSignature:
        return _unavailable(request, "This preview link is not valid. Check that it was copied in full.", 404)
    link = PreviewLink.objects.select_related("article").filter(key=key).first()
    if link is None:
        return _unavailable(request, "This preview link is not valid. Check that it was copied in full.", 404)
    article = link.article
    if Article.objects.live().filter(pk=article.pk).exists():
        return redirect(article.get_absolute_url())
    if link.revoked_at is not None or link.story_withdrawn:
        return _unavailable(request, "This preview link was withdrawn by the newsroom.", 410)
    if not link.is_usable():
        return _unavailable(request, "This preview link has expired. Ask the newsroom for a new one.", 410)
    return _render_preview(request, article)
