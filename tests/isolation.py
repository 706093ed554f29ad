"""The engine the isolation matrices share (tests/test_*isolation.py).

Each matrix file says, from its own table and never from the code under test, who may
do what on which URL; ``check_request`` then makes the request and checks the verdict:
an anonymous visitor is sent to sign in; a method nobody may use answers 405; an allowed
request answers and its action really happens; a refused one says nothing about the
other jour or municipality, looks byte for byte like the answer for an id that does not
exist, and changes nothing. Every request runs in a savepoint that is rolled back, so
every case sees the same world.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.test import Client
from django.urls import URLPattern

LOGIN_PATH = "/personal/konto/login/"
ROLES = ["anonymous", "national", "admin_a", "kvinna_a", "admin_b", "kvinna_b", "caseworker"]
# Where each jour role of the ``staff`` fixture belongs, written down here.
HOME = {"admin_a": "a", "kvinna_a": "a", "admin_b": "b", "kvinna_b": "b"}


class Verdict(enum.Enum):
    SIGN_IN = "sent to sign in"
    NOT_ALLOWED = "405 to everyone"
    ALLOWED = "allowed"
    REFUSED = "refused"


def verdict_for(
    *, anonymous: bool, who: str | None, allowed: Callable[[], bool], public: bool = False
) -> Verdict:
    """``who`` is the table's rule for the method (None: nobody); ``allowed`` applies it."""
    if anonymous and not public:
        return Verdict.SIGN_IN
    if who is None:
        return Verdict.NOT_ALLOWED
    return Verdict.ALLOWED if allowed() else Verdict.REFUSED


def route_params(pattern: URLPattern) -> frozenset[str]:
    return frozenset(pattern.pattern.converters)  # type: ignore[attr-defined]


def assert_matrix_covers(patterns: Sequence[Any], params: Mapping[str, frozenset[str]], what: str) -> None:
    """Every URL of ``patterns`` has its row in the matrix (``params``: name -> URL
    parameters), and no row is left of a URL that is gone: a URL added later without a
    row fails here."""
    assert all(isinstance(p, URLPattern) for p in patterns), "an include() would hide URLs"
    names = [str(p.name or "") for p in patterns]
    assert all(names), f"every {what} URL needs a name to be in the matrix"
    assert len(names) == len(set(names)), f"two {what} URLs share a name"
    assert set(names) == set(params), (
        f"not in the matrix: {sorted(set(names) - set(params))}; "
        f"gone from the URLs: {sorted(set(params) - set(names))}"
    )
    for pattern in patterns:
        assert route_params(pattern) == params[str(pattern.name)], pattern.name


def normalized(body: bytes, url: str) -> bytes:
    """The body without what must differ: the csrf token, a CSP nonce, and its own address
    (in the language links)."""
    body = body.replace(url.encode(), b"<this page>")
    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", body)
    return re.sub(rb'nonce="[^"]*"', b"", body)


def without_own(strings: Iterable[str], user: Any) -> set[str]:
    """What would betray another place, less her own name and address (shown on every page)."""
    found = set(strings)
    if user is not None:
        found -= {user.email, user.full_name}
    return {s for s in found if s}


def _send(client: Client, method: str, url: str, data: dict[str, Any]) -> Any:
    return client.get(url) if method == "GET" else client.post(url, data)


def check_request(
    *,
    label: str,
    method: str,
    url: str,
    user: Any,
    verdict: Verdict,
    fingerprint: Callable[[], Any],
    data: dict[str, Any] | None = None,
    ok_status: int = 200,
    done: Callable[[], bool] | None = None,
    leaks: Callable[[], set[str]] = set,
    missing_url: str | None = None,
    refused_statuses: tuple[int, ...] = (404,),
) -> None:
    data = data or {}
    with transaction.atomic():
        client = Client()
        if user is not None:
            client.force_login(user)
        before = fingerprint()
        response = _send(client, method, url, data)
        if verdict is Verdict.SIGN_IN:
            assert response.status_code == 302, label
            assert LOGIN_PATH in response["Location"], label
            assert fingerprint() == before, label
        elif verdict is Verdict.NOT_ALLOWED:
            assert response.status_code == 405, label
            assert fingerprint() == before, label
        elif verdict is Verdict.ALLOWED:
            assert response.status_code == ok_status, (label, response.status_code, response.content[-2000:])
            if method == "POST" and done is not None:
                assert done(), f"{label}: the action did not happen"
        else:
            assert response.status_code in refused_statuses, (label, response.status_code)
            body = response.content.decode()
            for leak in leaks():
                assert leak not in body, f"{label}: the body names {leak!r}"
            assert fingerprint() == before, f"{label}: a refused request changed something"
            if missing_url is not None:
                missing = _send(client, method, missing_url, data)
                assert missing.status_code == response.status_code, label
                assert normalized(missing.content, missing_url) == normalized(response.content, url), (
                    f"{label}: the refusal differs from the answer for an id that does not exist"
                )
        transaction.set_rollback(True)
