from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format


class ArticleError(Exception):
    """Base class for errors an editor or an import can be told about in plain words."""


class WireImportError(ArticleError):
    """A wire-copy file that cannot be imported; nothing was written."""


class DuplicateImportError(ArticleError):
    """The same wire copy was imported before."""

    def __init__(self, article):
        self.article = article
        desk_link = reverse("admin:articles_article_change", args=[article.pk])
        super().__init__(f"Already imported as “{article.headline}”, on the desk at {desk_link}; nothing changed.")


class WorkflowPermissionError(PermissionDenied):
    """The user's role does not allow this action on this article; nothing changed (a 403 wherever it is raised)."""


class InvalidTransitionError(ArticleError):
    """The article is not in a state this transition starts from; nothing changed."""


class ChecklistError(ArticleError):
    """The article misses something it needs before review or publication."""

    def __init__(self, missing):
        self.missing = list(missing)
        super().__init__("Not ready yet: " + "; ".join(self.missing) + ".")


class EditConflictError(ArticleError):
    """Someone else saved the article after this editor opened it; their version was kept."""

    def __init__(self, *, saved_by, saved_at):
        self.saved_by = saved_by
        self.saved_at = saved_at
        who = saved_by or "someone else"
        when = date_format(timezone.localtime(saved_at), "j F Y, H:i:s")
        super().__init__(
            f"{who} saved this article at {when}, after you opened it. Your changes were not saved and their "
            "version is untouched: copy what you need from this form, then reload the page to edit their version."
        )


class BackupError(Exception):
    """A backup that cannot be written or restored; the reason is in plain words and nothing was changed."""


class AutosaveError(ArticleError):
    """An autosave the server cannot keep (too long, unreadable); the story and any earlier autosave are untouched."""


class ImageInUseError(ArticleError):
    """A library image some stories still show cannot be deleted; nothing changed."""

    def __init__(self, image, stories):
        self.image = image
        self.stories = stories
        names = "; ".join(f"“{story.headline}”" for story in stories[:20])
        more = f" and {len(stories) - 20} more" if len(stories) > 20 else ""
        super().__init__(
            f"This image is used by {len(stories)} {'story' if len(stories) == 1 else 'stories'}: {names}{more}. "
            "Remove it from them first; nothing was deleted."
        )
