"""The desk's planning calendar: a week or month of scheduled stories, embargoes and planned drafts.

Editors drag a story to another day to move it (`articles.planning`); everyone sees what they may open.
"""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from .. import planning, roles
from ..exceptions import ArticleError
from ..models import Article, Author, RegionTag, TopicTag

VIEWS = {"week": 7, "month": 42}


def _day(value, default):
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _chosen(model, value):
    return model.objects.filter(slug=value).first() if value else None


class CalendarViewsMixin:
    """Adds /calendar/ and /<pk>/move/ to the story admin."""

    def get_urls(self):
        def route(pattern, view, name):
            return path(pattern, self.admin_site.admin_view(view), name=f"articles_article_{name}")

        return [
            route("calendar/", self.calendar_view, "calendar"),
            route("<int:pk>/move/", self.move_view, "move"),
            *super().get_urls(),
        ]

    def calendar_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        view = request.GET.get("view") if request.GET.get("view") in VIEWS else "week"
        start = _day(request.GET.get("start"), today)
        if view == "week":
            start -= timedelta(days=start.weekday())
            step = timedelta(days=7)
        else:
            first_of_month = start.replace(day=1)
            start = first_of_month - timedelta(days=first_of_month.weekday())
            step = None
        days = VIEWS[view]
        filters = {
            "region": _chosen(RegionTag, request.GET.get("region")),
            "topic": _chosen(TopicTag, request.GET.get("topic")),
            "author": _chosen(Author, request.GET.get("author")),
        }
        entries = planning.calendar_entries(request.user, start, days, **filters)
        by_day = {}
        for entry in entries:
            by_day.setdefault(entry.day, []).append(entry)
        grid = [
            {"date": start + timedelta(days=offset), "entries": by_day.get(start + timedelta(days=offset), [])}
            for offset in range(days)
        ]
        if view == "month":
            middle = start + timedelta(days=15)
            previous_start = (middle.replace(day=1) - timedelta(days=1)).replace(day=1)
            next_start = (middle.replace(day=28) + timedelta(days=5)).replace(day=1)
        else:
            previous_start, next_start = start - step, start + step
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Planning calendar",
            "view": view,
            "weeks": [grid[index : index + 7] for index in range(0, days, 7)],
            "today": today,
            "month_label": (start + timedelta(days=15)).strftime("%B %Y") if view == "month" else "",
            "week_label": f"{start:%d %b} – {start + timedelta(days=6):%d %b %Y}",
            "previous_start": previous_start.isoformat(),
            "next_start": next_start.isoformat(),
            "start": start.isoformat(),
            "filters": {name: value.slug if value else "" for name, value in filters.items()},
            "regions": RegionTag.objects.order_by("name").only("name", "slug"),
            "topics": TopicTag.objects.order_by("name").only("name", "slug"),
            "authors": Author.objects.order_by("name").only("name", "slug"),
            "can_move": roles.is_editor(request.user),
            "entry_count": len(entries),
        }
        return TemplateResponse(request, "admin/articles/article/calendar.html", context)

    def move_view(self, request, pk):
        """Drop a story on another day: a scheduled story is rescheduled, a planned draft re-planned."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = get_object_or_404(roles.visible_articles(request.user, Article.objects.all()), pk=pk)
        day = _day(request.POST.get("day"), None)
        if day is None:
            return JsonResponse({"error": "Choose a day to move the story to."}, status=400)
        try:
            if article.status == Article.Status.PUBLISHED:
                moved = planning.article_reschedule(article=article, user=request.user, day=day)
                when = moved.publish_at
            else:
                moved = planning.article_plan(article=article, user=request.user, day=day)
                when = moved.planned_for
        except PermissionDenied as error:
            return JsonResponse({"error": str(error)}, status=403)
        except ArticleError as error:
            return JsonResponse({"error": str(error)}, status=400)
        text = f"“{moved.headline}” moved to {timezone.localtime(when):%d %b %Y %H:%M}."
        messages.success(request, text)
        return JsonResponse({"ok": True, "message": text, "url": reverse("admin:articles_article_calendar")})
