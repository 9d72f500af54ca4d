"""Who may do what: the one place for every role rule.

Roles are Django groups (Reporter, Editor, Admin) created by a data migration;
the rules here ask for the permissions those groups carry, so a superuser or a
custom group with the same permissions behaves the same way.
"""

from django.db.models import Q

from .models import Article, Byline

REPORTER = "Reporter"
EDITOR = "Editor"
ADMIN = "Admin"

# What each role may do, as permission codenames of this app. Admins get every
# permission of the apps below: the desk, accounts and the admin log.
_READ_VOCABULARIES = ["view_author", "view_regiontag", "view_topictag", "view_promofooter"]
_REPORTER = [
    "add_article",
    "change_article",
    "view_article",
    "add_byline",
    "change_byline",
    "delete_byline",
    "view_byline",
    "view_correction",
    "view_articletransition",
    # The image library: everyone who writes adds pictures and sets their words and focal points.
    "add_libraryimage",
    "change_libraryimage",
    "view_libraryimage",
    *_READ_VOCABULARIES,
]
_EDITOR = [
    *_REPORTER,
    "delete_article",
    "delete_libraryimage",
    "edit_any_article",
    "review_article",
    "publish_article",
    "take_down_article",
    "share_preview",
    "add_correction",
    "change_correction",
    "view_previewlink",
    # The wire inbox: take copy in, make drafts of it or discard it.
    "add_wireitem",
    "change_wireitem",
    "view_wireitem",
    # The paper around the stories: breaking-news banners and the outlet's own pages (About, Contact, …).
    *(
        f"{action}_{model}"
        for model in ("breakingnews", "staticpage")
        for action in ("add", "change", "delete", "view")
    ),
]
ROLE_PERMISSIONS = {REPORTER: _REPORTER, EDITOR: _EDITOR}
ADMIN_APPS = ["articles", "auth", "admin"]


def sync_role_groups(*, group_model, permission_model):
    """Create the role groups and give them their permissions (adds only; never takes away)."""
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.add(
            *permission_model.objects.filter(content_type__app_label="articles", codename__in=codenames)
        )
    group, _ = group_model.objects.get_or_create(name=ADMIN)
    group.permissions.add(*permission_model.objects.filter(content_type__app_label__in=ADMIN_APPS))


def is_editor(user):
    """Editors (and Admins) edit any article and run the desk."""
    return bool(user and user.is_active and user.has_perm("articles.edit_any_article"))


def can_delete(user):
    """Editors (and Admins) delete articles; only they may bring one back from the trash."""
    return is_editor(user) and user.has_perm("articles.delete_article")


def can_publish(user):
    return bool(user and user.is_active and user.has_perm("articles.publish_article"))


def can_review(user):
    return bool(user and user.is_active and user.has_perm("articles.review_article"))


def can_share_preview(user):
    return bool(user and user.is_active and user.has_perm("articles.share_preview"))


def can_write_corrections(user):
    return bool(user and user.is_active and user.has_perm("articles.add_correction"))


def owns(user, article):
    """A reporter owns an article they created or carry a byline on."""
    if not (user and user.is_authenticated) or article.pk is None:
        return False
    return article.created_by_id == user.pk or article.bylines.filter(user=user).exists()


def visible_articles(user, queryset=None):
    """The articles this user may open on the desk: all for editors, their own for reporters."""
    queryset = Article.objects.all() if queryset is None else queryset
    if is_editor(user):
        return queryset
    if not (user and user.is_active and user.has_perm("articles.view_article")):
        return queryset.none()
    # Two index look-ups (their own, their bylines), not a join over every article and its bylines.
    bylined = Byline.objects.filter(author__user=user).values("article")
    return queryset.filter(Q(created_by=user) | Q(pk__in=bylined))


def can_view(user, article):
    return is_editor(user) or (bool(user and user.has_perm("articles.view_article")) and owns(user, article))


def can_edit(user, article):
    """Editors edit any article; a reporter edits only their own drafts."""
    if is_editor(user):
        return True
    if not (user and user.is_active and user.has_perm("articles.change_article")):
        return False
    return article.status == Article.Status.DRAFT and owns(user, article)
