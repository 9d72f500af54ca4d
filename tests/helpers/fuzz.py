"""How many examples each property-based test tries: a fixed, repeatable number in the suite, more in `make fuzz`.

`FUZZ_SCALE` (set by `make fuzz`) multiplies every test's count, lets Hypothesis draw new examples on each run
and keeps the failing ones in `.hypothesis/`; without it the examples are derived from the test itself, so a CI
run tries exactly the same cases every time.
"""

import os

from hypothesis import HealthCheck, settings

FUZZ_SCALE = int(os.environ.get("FUZZ_SCALE", "0") or 0)


def budget(examples, *, database=False):
    """Hypothesis settings for a test trying `examples` cases in the suite (FUZZ_SCALE times as many in make fuzz)."""
    suppress = [HealthCheck.too_slow, HealthCheck.data_too_large]
    if database:
        # The rows a test reads are made once by its fixtures; the examples only read them.
        suppress.append(HealthCheck.function_scoped_fixture)
    if FUZZ_SCALE:
        return settings(max_examples=examples * FUZZ_SCALE, deadline=None, suppress_health_check=suppress)
    return settings(
        max_examples=examples, deadline=None, derandomize=True, database=None, suppress_health_check=suppress
    )
