"""Isolation of the chat's staff pages, for every role, on her own jour and another's.

The console is hers if she belongs to a jour that chats; a coordinator's chat page is
only for that jour's coordinator; the network's chat now only for the national office.
A refused request is "not found", looks the same as one for a jour that does not exist,
and changes nothing. A staff URL added to the chat without a row here fails
``test_every_chat_staff_url_is_in_the_matrix``; a new app mounted under /personal/ without
a matrix of its own fails ``test_every_staff_app_has_a_matrix``.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from fristad.chat.models import CannedResponse, ChatSettings
from fristad.chat.staff_urls import urlpatterns
from tests.conftest import Staff
from tests.isolation import ROLES, signed_in

pytestmark = pytest.mark.django_db
MISSING_JOUR = 999999
# jour_a (stockholm) chats; jour_b (malmo) does not.
CONSOLE_ALLOWED = {"admin_a", "kvinna_a"}
MATRIX = {"console", "jour_chat", "national_network"}


def client_for(staff: Staff, role: str) -> Client:
    return Client() if role == "anonymous" else signed_in(getattr(staff, role))


def test_every_chat_staff_url_is_in_the_matrix() -> None:
    assert {p.name for p in urlpatterns} == MATRIX


def test_every_staff_app_has_a_matrix() -> None:
    """Each urlconf mounted under /personal/ has its isolation matrix in tests/."""
    mounted = set()
    for language_patterns in get_resolver().url_patterns:
        for pattern in getattr(language_patterns, "url_patterns", []):
            if isinstance(pattern, URLResolver) and str(pattern.pattern).startswith("personal/"):
                mounted.add(getattr(pattern.urlconf_name, "__name__", str(pattern.urlconf_name)))
    assert mounted == {
        "allauth.urls",  # allauth's own sign-in and factor pages: tests/test_second_factor.py and friends
        "fristad.accounts.urls",  # tests/test_staff_isolation.py
        "fristad.chat.staff_urls",  # this file
        "fristad.housing.urls",  # tests/test_housing_isolation.py
        "fristad.support.urls",  # tests/test_support_isolation.py
        "fristad.stats.urls",  # tests/test_contact_record_isolation.py and tests/test_stats_isolation.py
    }


@pytest.mark.parametrize("role", ROLES)
def test_console(staff: Staff, role: str) -> None:
    response = client_for(staff, role).get(reverse("chat_staff:console"))
    if role == "anonymous":
        assert response.status_code == 302 and "/konto/login/" in response["Location"]
    elif role in CONSOLE_ALLOWED:
        assert response.status_code == 200
        assert b'id="console"' in response.content
        assert staff.jour_a.name.encode() in response.content
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("jour_key", ["a", "b"])
def test_coordinators_chat_page(staff: Staff, role: str, jour_key: str) -> None:
    jour = staff.jour_a if jour_key == "a" else staff.jour_b
    client = client_for(staff, role)
    url = reverse("chat_staff:jour_chat", kwargs={"jour_id": jour.pk})
    missing_url = reverse("chat_staff:jour_chat", kwargs={"jour_id": MISSING_JOUR})
    missing = client.get(missing_url)
    response = client.get(url)
    posted = client.post(url, {"action": "canned_add", "title": "Hej", "body": "Välkommen"})
    settings_post = client.post(
        url, {"action": "settings", "overflow_after_minutes": "5", "answers_overflow": "on"}
    )
    allowed = role == f"admin_{jour_key}"
    if role == "anonymous":
        assert response.status_code == 302 and posted.status_code == 302
        assert not CannedResponse.objects.exists()
    elif allowed:
        assert response.status_code == 200 and jour.name.encode() in response.content
        assert posted.status_code == 302 and settings_post.status_code == 302
        assert CannedResponse.objects.filter(jour=jour, title="Hej").exists()
        assert ChatSettings.objects.get(jour=jour).overflow_after_seconds == 300
    else:
        assert response.status_code == 404 and posted.status_code == 404 and settings_post.status_code == 404
        # The same page as for a jour that does not exist (but for the path in the language links).
        assert response.content.replace(url.encode(), b"PATH") == missing.content.replace(
            missing_url.encode(), b"PATH"
        )
        assert jour.name.encode() not in response.content
        assert not CannedResponse.objects.exists() and not ChatSettings.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_the_network_now_is_the_national_offices(staff: Staff, role: str) -> None:
    """Counts only, but still the national office's: everyone else gets "not found" and
    POST is refused to everyone (nothing here changes anything)."""
    client = client_for(staff, role)
    url = reverse("chat_staff:national_network")
    response, posted = client.get(url), client.post(url)
    if role == "anonymous":
        assert response.status_code == 302 and "/konto/login/" in response["Location"]
        assert posted.status_code == 302
    elif role == "national":
        assert response.status_code == 200 and posted.status_code == 405
    else:
        assert response.status_code == 404 and posted.status_code == 405
        assert staff.jour_a.name.encode() not in response.content


def test_coordinator_bad_input_is_a_clear_error(staff: Staff) -> None:
    client = client_for(staff, "admin_a")
    url = reverse("chat_staff:jour_chat", kwargs={"jour_id": staff.jour_a.pk})
    for data in (
        {"action": "settings", "overflow_after_minutes": "-3"},
        {"action": "settings", "overflow_after_minutes": "x" * 5000},
        {"action": "canned_add", "title": "", "body": ""},
        {"action": "canned_delete", "response": "inte-ett-tal"},
        {"action": "capacity", "membership": "1", "capacity": "99"},
        {"action": "nonsense"},
        {},
    ):
        response = client.post(url, data)
        assert response.status_code in (200, 302), (data, response.status_code)
    assert not ChatSettings.objects.exists() and not CannedResponse.objects.exists()


def test_coordinator_sets_capacity_only_for_her_jour(staff: Staff) -> None:
    from fristad.accounts.models import Membership

    client = client_for(staff, "admin_a")
    url = reverse("chat_staff:jour_chat", kwargs={"jour_id": staff.jour_a.pk})
    own = Membership.objects.get(user=staff.kvinna_a, jour=staff.jour_a)
    other = Membership.objects.get(user=staff.kvinna_b, jour=staff.jour_b)
    assert client.post(url, {"action": "capacity", "membership": own.pk, "capacity": 4}).status_code == 302
    assert client.post(url, {"action": "capacity", "membership": other.pk, "capacity": 5}).status_code == 404
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.chat_capacity == 4 and other.chat_capacity == 2
