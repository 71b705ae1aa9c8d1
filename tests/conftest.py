"""Settings for the whole suite."""

from hypothesis import HealthCheck, settings

# A property test has no time limit per example and no "too slow to generate" check: on a busy
# machine (CI, `make test-stress`) either would fail a test whose property holds.
settings.register_profile("dhtt", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("dhtt")
