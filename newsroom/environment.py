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


def postgres_options(options):
    """A PostgreSQL database's OPTIONS: what its URL asks for, and prepared statements for the readers' small reads
    (reader/prepared.py), unless DATABASE_PREPARED_STATEMENTS=0 (a pooler that cannot keep them: PgBouncer before
    1.21, or without max_prepared_statements). Every other statement binds its values in the client, as Django does.

    A prepared statement is planned once, for any values (a generic plan). Left to choose, PostgreSQL plans again
    with each execution's values while that looks cheaper: the related stories' nine index walks took 1 ms to plan
    for 0.3 ms to run, on every article page rendered cold.
    """
    if not env_bool("DATABASE_PREPARED_STATEMENTS", default=True):
        return {**options, "prepare_threshold": None}
    server_options = " ".join(filter(None, [options.get("options", ""), "-c plan_cache_mode=force_generic_plan"]))
    return {**options, "prepare_threshold": 0, "options": server_options}
