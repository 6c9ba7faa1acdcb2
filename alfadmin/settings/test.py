"""Test settings: fast hashing; services only where DATABASE_URL / CELERY_BROKER_URL say."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_FAILURE_LIMIT = 5
# Static files come from the app folders (no collectstatic in tests).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
