"""Reading the environment for the settings: switches, lists, and the values production cannot do without."""

import os

from django.core.exceptions import ImproperlyConfigured


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# NEWSROOM_ENV=production switches every default to its production value and
# makes the values production cannot guess (SECRET_KEY, ALLOWED_HOSTS) mandatory.
PRODUCTION = os.environ.get("NEWSROOM_ENV", "development").strip().lower() == "production"


def required_in_production(name, development_default):
    value = os.environ.get(name, "")
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set when NEWSROOM_ENV=production.")
    return development_default
