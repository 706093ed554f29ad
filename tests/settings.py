"""Test settings: the real settings, with static files served from the source tree."""

from fristad.settings import *  # noqa: F403
from fristad.settings import PASSWORD_HASHERS as PRODUCTION_PASSWORD_HASHERS
from fristad.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Argon2id as in production, with test-sized costs so that hundreds of sign-ins stay fast.
PASSWORD_HASHERS = ["tests.hashers.QuickArgon2PasswordHasher", *PRODUCTION_PASSWORD_HASHERS]

# Tests start chats faster than any real network: the start budget is tested on its own
# (tests/test_chat_caps.py sets its own).
CHAT_STARTS_PER_SECOND = 1000.0
CHAT_STARTS_BURST = 1000
