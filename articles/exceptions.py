class ArticleError(Exception):
    """Base class for errors an editor or an import can be told about in plain words."""


class WireImportError(ArticleError):
    """A wire-copy file that cannot be imported; nothing was written."""


class DuplicateImportError(ArticleError):
    """The same wire copy was imported before."""

    def __init__(self, article):
        self.article = article
        super().__init__(f"Already imported as “{article.headline}” (/{article.slug}/); nothing changed.")


class BackupError(Exception):
    """A backup that cannot be written or restored; the reason is in plain words and nothing was changed."""
