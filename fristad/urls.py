"""Public site under language prefixes: Swedish unprefixed, /en/ and /ar/.

The language lives in the URL, never in a cookie.
"""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

urlpatterns = i18n_patterns(
    path("personal/konto/", include("allauth.urls")),
    path("personal/", include("fristad.accounts.urls")),
    path("personal/", include("fristad.chat.staff_urls")),
    path("personal/", include("fristad.housing.urls")),
    path("personal/", include("fristad.support.urls")),
    path("personal/", include("fristad.stats.urls")),
    path("", include("fristad.chat.urls")),
    path("", include("fristad.directory.urls")),
    prefix_default_language=False,
)
# Health and readiness (fristad/ops/health.py): outside the language prefixes.
urlpatterns = [path("", include("fristad.ops.urls")), *urlpatterns]

handler400 = "fristad.web.views.bad_request"
handler403 = "fristad.web.views.permission_denied"
handler404 = "fristad.web.views.not_found"
handler500 = "fristad.web.views.server_error"
