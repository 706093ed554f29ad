"""The engine the isolation matrices share (tests/test_*isolation.py).

Each matrix file says, from its own table and never from the code under test, who may
do what on which URL; ``check_request`` then makes the request and checks the verdict:
an anonymous visitor is sent to sign in; a method nobody may use answers 405; an allowed
request answers and its action really happens; a refused one says nothing about the
other jour or municipality, looks byte for byte like the answer for an id that does not
exist, and changes nothing. Every request runs in a savepoint that is rolled back, so
every case sees the same world.

``Matrix`` runs a file's table: for each URL and role it asks ``jour_cases`` (or the file's own
rule) for the cases, builds the URL from ``Param`` rows, and checks GET and POST of each.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from django.db import transaction
from django.test import Client
from django.urls import URLPattern, reverse

from fristad.accounts.models import Membership, User
from fristad.directory.models import Jour
from tests.conftest import Staff

LOGIN_PATH = "/personal/konto/login/"
ROLES = ["anonymous", "national", "admin_a", "kvinna_a", "admin_b", "kvinna_b", "caseworker"]
# Where each jour role of the ``staff`` fixture belongs, written down here.
HOME = {"admin_a": "a", "kvinna_a": "a", "admin_b": "b", "kvinna_b": "b"}
# The place and objects of a URL that names no jour and no object.
NOWHERE = "-"


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
    return frozenset(pattern.pattern.converters)


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


def signed_in(user: User, **kwargs: Any) -> Client:
    """A client signed in as ``user``; ``kwargs`` go to ``Client`` (enforce_csrf_checks)."""
    client = Client(**kwargs)
    client.force_login(user)
    return client


def jour_strings(jour: Jour) -> set[str]:
    """What would betray ``jour`` on a page: its name (also as the HTML escapes it) and its people."""
    strings = {jour.name, jour.name.replace("ö", "&ouml;")}
    for membership in Membership.objects.filter(jour=jour).select_related("user"):
        strings |= {membership.user.email, membership.user.full_name}
    return strings


# --- A matrix: its cases, its table, its world --------------------------------------------


@dataclass(frozen=True)
class Case:
    """One way to ask for a URL: who asks, the jour (or municipality) the URL names, and whose
    object (case, record, unit, ...) it names; each "a", "b" or NOWHERE."""

    role: str
    scope: str  # in words, for the label: "own", "other", "own jour, other's case", ...
    place: str
    objects: str


def jour_cases(
    role: str,
    params: frozenset[str],
    *,
    object_params: Iterable[str] = (),
    noun: str = "object",
    homes: Mapping[str, str] = HOME,
    where: str = "jour",
) -> list[Case]:
    """The cases that tell a right from a leak: a role of ``homes`` on her own place and on the
    other; where the URL names one of ``object_params`` too, also her own place with the other's
    object and the other way round (a view that checks only one of them fails there); anyone
    else on both places. A URL that names nothing is asked for once."""
    if not params:
        return [Case(role, NOWHERE, NOWHERE, NOWHERE)]
    if role not in homes:
        return [Case(role, f"{where} a", "a", "a"), Case(role, f"{where} b", "b", "b")]
    home = homes[role]
    other = "b" if home == "a" else "a"
    cases = [Case(role, "own", home, home), Case(role, "other", other, other)]
    if params.intersection(object_params):
        cases += [Case(role, f"own {where}, other's {noun}", home, other)]
        cases += [Case(role, f"other {where}, own {noun}", other, home)]
    return cases


def at_home(case: Case, homes: Mapping[str, str] = HOME) -> bool:
    """Her own place in the URL and an object of her own place: no right reaches further."""
    home = homes.get(case.role)
    return home is not None and case.place == home and case.objects == home


def jour_member_allowed(who: str | None, case: Case) -> bool:
    """The rule "jour_member": the jour's own coordinator or jourkvinna, on the jour's objects."""
    return who == "jour_member" and at_home(case)


class MatrixWorld(Protocol):
    """What a matrix's world answers: the user of a role, and what would betray place ``key``."""

    def user(self, role: str) -> Any: ...

    def strings(self, key: str) -> set[str]: ...


W = TypeVar("W", bound=MatrixWorld)


@dataclass
class StaffWorld:
    """The world of a matrix on the ``staff`` fixture's roles and its jours "a" and "b"."""

    staff: Staff
    jours: dict[str, Jour]

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self.staff, role)

    def strings(self, key: str) -> set[str]:
        return jour_strings(self.jours[key])


@dataclass(frozen=True)
class Param(Generic[W]):
    """A URL parameter: its value in a case and, for an id, a value that names nothing (a
    refusal must look like the answer for it); ``missing`` None: not an id, kept as it is."""

    value: Callable[[W, Case], Any]
    missing: Any = None


@dataclass(frozen=True)
class Expect(Generic[W]):
    """A URL's row. ``get`` / ``post``: the matrix's own word for who may (None: 405 to everyone)."""

    params: frozenset[str]
    get: str | None
    post: str | None
    get_status: int = 200
    post_status: int = 302
    # Reachable without signing in (a token is the key).
    public: bool = False
    post_data: Callable[[W, Case], dict[str, Any]] = field(default=lambda w, c: {})
    # After an allowed POST: did the action really happen?
    done: Callable[[W, Case], bool] | None = None
    # Values of this URL's own for a parameter the matrix's ``params`` leave out (a token's kind).
    values: Mapping[str, Callable[[W, Case], Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Matrix(Generic[W]):
    """One app's isolation matrix: its URL namespace, its table, and its rules for the cases."""

    namespace: str
    expected: Mapping[str, Expect[W]]
    params: Mapping[str, Param[W]]
    # The cases to ask for a role on a URL with these parameters.
    cases: Callable[[str, frozenset[str]], list[Case]]
    # The table's rule (``who``) applied to a case.
    allowed: Callable[[str | None, Case], bool]
    fingerprint: Callable[[], Any]
    # Where each role belongs, for what a page may show her.
    homes: Mapping[str, str] = field(default_factory=lambda: HOME)
    refused_statuses: tuple[int, ...] = (404,)

    def assert_covers(self, patterns: Sequence[Any], what: str) -> None:
        assert_matrix_covers(patterns, {name: e.params for name, e in self.expected.items()}, what)

    def check(self, w: W, name: str, role: str) -> None:
        """Every case of ``role`` on URL ``name``, with GET and with POST."""
        for case in self.cases(role, self.expected[name].params):
            for method in ("GET", "POST"):
                self.check_case(w, name, case, method)

    def _kwargs(self, w: W, name: str, case: Case, *, missing: bool) -> tuple[dict[str, Any], bool]:
        """The URL's keyword arguments (with ``missing``, an id's that names nothing), and whether
        it names an id."""
        expect = self.expected[name]
        kwargs: dict[str, Any] = {}
        has_id = False
        for param in expect.params:
            own, row = expect.values.get(param), self.params.get(param)
            if own is not None:
                kwargs[param] = own(w, case)
            elif row is None:  # pragma: no cover - the coverage test names every parameter
                raise AssertionError(f"unknown URL parameter {param}")
            else:
                has_id = has_id or row.missing is not None
                kwargs[param] = row.missing if missing and row.missing is not None else row.value(w, case)
        return kwargs, has_id

    def url(self, w: W, name: str, case: Case) -> str:
        return reverse(f"{self.namespace}:{name}", kwargs=self._kwargs(w, name, case, missing=False)[0])

    def missing_url(self, w: W, name: str, case: Case) -> str | None:
        """The URL's twin whose ids name nothing; None where the URL names no id."""
        kwargs, has_id = self._kwargs(w, name, case, missing=True)
        return reverse(f"{self.namespace}:{name}", kwargs=kwargs) if has_id else None

    def leaks(self, w: W, case: Case) -> set[str]:
        """What would betray a place she does not belong to, less her own name and address."""
        keys = {case.place, case.objects} - {NOWHERE, self.homes.get(case.role)}
        return without_own((s for key in keys for s in w.strings(key)), w.user(case.role))

    def check_case(self, w: W, name: str, case: Case, method: str) -> None:
        expect = self.expected[name]
        who = expect.get if method == "GET" else expect.post
        done = expect.done
        check_request(
            label=f"{method} {name} as {case.role} ({case.scope})",
            method=method,
            url=self.url(w, name, case),
            missing_url=self.missing_url(w, name, case),
            user=w.user(case.role),
            verdict=verdict_for(
                anonymous=case.role == "anonymous",
                who=who,
                allowed=lambda: self.allowed(who, case),
                public=expect.public,
            ),
            fingerprint=self.fingerprint,
            data=expect.post_data(w, case) if method == "POST" else {},
            ok_status=expect.get_status if method == "GET" else expect.post_status,
            done=None if done is None else (lambda: done(w, case)),
            leaks=lambda: self.leaks(w, case),
            refused_statuses=self.refused_statuses,
        )
