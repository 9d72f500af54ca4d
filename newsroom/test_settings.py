"""Settings for the test suite: the project's settings, with what only tests need.

The caches and remembered reads stay as production runs them; the whole-page
cache is switched on by the tests that exercise it (the `page_cache` fixture).
"""

from .settings import *  # noqa: F403

# Tests create many accounts; the production hasher is slow on purpose.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Inside a test's transaction nothing commits, so a cached whole page would never be invalidated.
PAGE_CACHE = False
GENERATION_MEMO = True
