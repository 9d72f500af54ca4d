"""Static files as production serves them: WhiteNoise's compressed, hashed copies, each address looked up once."""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

# More names than the templates ask for: the memo is emptied rather than let grow should anything ask for more.
MAX_REMEMBERED_URLS = 1024


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Every reader page asks for the addresses of the same few files (stylesheets, icons, scripts), and each
    lookup in the manifest costs about 15 µs. The manifest is read when the process starts and does not change
    while it runs, so each address is remembered once looked up (a name missing from it still raises)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url(self, name, force=False):
        if force or settings.DEBUG:
            return super().url(name, force)
        url = self._urls.get(name)
        if url is None:
            if len(self._urls) >= MAX_REMEMBERED_URLS:
                self._urls.clear()
            url = self._urls[name] = super().url(name)
        return url

    def post_process(self, *args, **kwargs):
        # collectstatic writes a new manifest: addresses looked up before it are forgotten.
        self._urls.clear()
        yield from super().post_process(*args, **kwargs)
        self._urls.clear()
