"""Support shared by the tests and the benchmarks (never imported by the app): real Celery
workers, private Redis servers and service probes. Test modules import from here, and so do the
benchmarks, which must not import test modules."""
