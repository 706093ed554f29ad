"""No module of the application over about 500 lines (issue 14, docs/architecture.md): a
module that grows past it is split by sub-domain, as housing's services, the chat's
consumers and selectors and the jour file are (packages that re-export their names)."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "fristad"
MAX_LINES = 500

# Left above the limit, each with its reason and a ceiling (its size when it was allowed):
# it may shrink, not grow. Remove an entry when its module is split.
ALLOWED = {
    # Her side, the jourkvinna's side and the routing share the transaction order (presences
    # locked, then chats) and the private helpers that keep it; to split next, by side,
    # keeping `services.chat_start` etc. patchable on the package.
    "chat/services.py": 537,
    # Thin views, two halves of one URL list (the jour's housing, the caseworker's side) with
    # shared form helpers; a natural split into jour/caseworker modules, not done yet.
    "housing/views.py": 556,
    # Thin staff views (people and invites, profile, national office, schedule); 5% over,
    # splitting would scatter small shared helpers (_user, _week_day) for little gain.
    "accounts/views.py": 525,
}


def line_counts() -> dict[str, int]:
    return {
        path.relative_to(PACKAGE).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.relative_to(PACKAGE).parts
    }


def test_no_module_over_the_limit() -> None:
    too_long = {name: count for name, count in line_counts().items() if count > ALLOWED.get(name, MAX_LINES)}
    assert too_long == {}, f"split these modules by sub-domain (at most {MAX_LINES} lines): {too_long}"


def test_the_allowlist_is_current() -> None:
    counts = line_counts()
    stale = {name: counts.get(name) for name in ALLOWED if counts.get(name, 0) <= MAX_LINES}
    assert stale == {}, f"these modules are within the limit now: remove them from ALLOWED: {stale}"
