"""Test settings: the real settings, with static files served from the source tree."""

from fristad.settings import *  # noqa: F403
from fristad.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
