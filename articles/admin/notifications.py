"""The desk's notifications: each person's own list, and marking them read. Nothing else is offered.

Only two pages: the list (newest first) and a POST that marks read. Nobody can
add, change or delete a notification, or see another person's.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .. import notifications
from ..models import Notification

LIST_LENGTH = 50


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    def get_urls(self):
        def route(pattern, view, name):
            return path(pattern, self.admin_site.admin_view(view), name=f"articles_notification_{name}")

        return [route("", self.changelist_view, "changelist"), route("read/", self.mark_read_view, "read")]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.has_perm("articles.view_article")

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (obj is None or obj.recipient_id == request.user.pk)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Notifications go with their story when it is deleted; no page deletes one on its own (there is no URL).
        return True

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        mine = Notification.objects.for_user(request.user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Notifications",
            "notifications": list(mine.select_related("article", "actor")[:LIST_LENGTH]),
            "unread_count": mine.unread().count(),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/articles/notification/list.html", context)

    @method_decorator(require_POST)
    def mark_read_view(self, request):
        """Mark one notification read (`id`), or all of this person's (no `id`), then go back."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        raw_ids = request.POST.getlist("id")
        if not all(value.isdigit() for value in raw_ids):
            messages.error(request, "That notification could not be found; nothing was marked read.")
            return self._back(request)
        ids = [int(value) for value in raw_ids] or None
        if ids and not Notification.objects.for_user(request.user).filter(pk__in=ids).exists():
            # Someone else's notification does not exist for this person.
            raise Http404("No such notification.")
        changed = notifications.mark_read(user=request.user, notification_ids=ids)
        if ids is None:
            messages.success(request, f"{changed} notification{'' if changed == 1 else 's'} marked read.")
        return self._back(request)

    def _back(self, request):
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("admin:articles_notification_changelist")
        return redirect(target)
