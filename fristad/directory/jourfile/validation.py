"""One row of the jour file checked: every problem in words, or a ``JourSpec``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator, validate_slug

from fristad.directory.jourfile.notation import parse_phone, phone_spec
from fristad.directory.jourfile.spec import REQUIRED, JourSpec, PhoneSpec
from fristad.directory.models import JourKind, Language, PhoneKind, Service

_TRUE = {"true", "1", "yes", "ja", "y", "x"}
_FALSE = {"false", "0", "no", "nej", "n", ""}


def _as_bool(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{name} must be yes or no, not '{value}'")


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in str(value).split(",") if v.strip()]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def validate_row(
    raw: Mapping[str, Any], municipalities: Mapping[str, str]
) -> tuple[JourSpec | None, list[str]]:
    """Check one row; ``municipalities`` maps codes and folded names to codes."""
    problems: list[str] = []
    for name in REQUIRED:
        if not raw.get(name):
            problems.append(f"{name} is required")
    name, slug, kind = _identity(raw, problems)
    home, served = _municipalities(raw, municipalities, problems)
    languages = _codes(raw, "languages", "language", Language.values, 20, problems)
    services = _codes(raw, "services", "service", Service.values, 30, problems)
    chats, is_demo, is_active = _flags(raw, problems)
    email = _checked_text(raw, "email", EmailValidator(), "an e-mail address", 254, problems)
    website = _checked_text(
        raw, "website", URLValidator(schemes=["https", "http"]), "a web address", 200, problems
    )
    member_since = _member_since(raw, problems)
    notes = _text(raw.get("accessibility_notes"))
    if len(notes) > 1000:
        problems.append("accessibility_notes is longer than 1000 characters")
    phones = _phones(raw.get("phones"), problems)

    if problems:
        return None, problems
    assert home is not None
    return (
        JourSpec(
            name=name,
            slug=slug,
            kind=kind,
            home_municipality=home,
            served_municipalities=served,
            chats=chats,
            languages=languages,
            services=services,
            accessibility_notes=notes,
            email=email,
            website=website,
            member_since=member_since,
            is_demo=is_demo,
            is_active=is_active,
            phones=phones,
        ),
        [],
    )


def _identity(raw: Mapping[str, Any], problems: list[str]) -> tuple[str, str, str]:
    """Name, slug and kind."""
    name = _text(raw.get("name"))
    if len(name) > 120:
        problems.append("name is longer than 120 characters")
    slug = _text(raw.get("slug"))
    if slug:
        try:
            validate_slug(slug)
        except ValidationError:
            problems.append(f"slug '{slug[:80]}' may only hold letters, digits, - and _")
        if len(slug) > 80:
            problems.append("slug is longer than 80 characters")
    kind = _text(raw.get("kind")) or JourKind.KVINNOJOUR
    if kind not in JourKind.values:
        problems.append(f"kind '{kind}' is not one of {', '.join(JourKind.values)}")
    return name, slug, kind


def _municipalities(
    raw: Mapping[str, Any], municipalities: Mapping[str, str], problems: list[str]
) -> tuple[str | None, list[str]]:
    """The home municipality's code and the served ones' (the home first among them)."""

    def municipality(value: str) -> str | None:
        code = municipalities.get(value) or municipalities.get(value.casefold())
        if code is None:
            problems.append(f"municipality '{value[:60]}' is not a known municipality code or name")
        return code

    home_raw = _text(raw.get("home_municipality"))
    home = municipality(home_raw) if home_raw else None
    served = [code for code in (municipality(v) for v in _as_list(raw.get("served_municipalities"))) if code]
    if home and home not in served:
        served.insert(0, home)
    return home, served


def _codes(
    raw: Mapping[str, Any], column: str, what: str, known: list[str], shown: int, problems: list[str]
) -> list[str]:
    """A list of codes from ``known`` (languages, services)."""
    codes = _as_list(raw.get(column))
    for code in codes:
        if code not in known:
            problems.append(f"{what} '{code[:shown]}' is not one of {', '.join(known)}")
    return codes


def _flags(raw: Mapping[str, Any], problems: list[str]) -> tuple[bool, bool, bool]:
    """chats, is_demo, is_active; the first that is not yes or no is the problem."""
    chats = is_demo = False
    is_active = True
    try:
        chats = _as_bool(raw.get("chats", ""), "chats")
        is_demo = _as_bool(raw.get("is_demo", ""), "is_demo")
        # A missing or empty is_active means active: a new file lists jourer to publish.
        active_raw = raw.get("is_active")
        is_active = True if active_raw is None or active_raw == "" else _as_bool(active_raw, "is_active")
    except ValueError as error:
        problems.append(str(error))
    return chats, is_demo, is_active


def _checked_text(
    raw: Mapping[str, Any],
    column: str,
    validator: Callable[[str], None],
    what: str,
    longest: int,
    problems: list[str],
) -> str:
    """An optional text a Django validator checks (email, website)."""
    value = _text(raw.get(column))
    if value:
        try:
            validator(value)
        except ValidationError:
            problems.append(f"{column} '{value[:80]}' is not {what}")
        if len(value) > longest:
            problems.append(f"{column} is longer than {longest} characters")
    return value


def _member_since(raw: Mapping[str, Any], problems: list[str]) -> date | None:
    text = _text(raw.get("member_since"))
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(f"member_since '{text[:20]}' is not a date like 1995-03-08")
        return None


def _phones(raw_phones: Any, problems: list[str]) -> list[PhoneSpec]:
    """A JSON list of phone objects, or CSV phones in the notation separated by ``;``."""
    phones: list[PhoneSpec] = []
    try:
        if isinstance(raw_phones, list):
            for item in raw_phones:
                if not isinstance(item, dict):
                    raise ValueError("each phone must be an object with kind, number, hours, exceptions")
                phones.append(
                    phone_spec(
                        _text(item.get("kind")) or PhoneKind.JOURTELEFON,
                        _text(item.get("number")),
                        _text(item.get("hours")),
                        _text(item.get("exceptions")),
                    )
                )
        elif raw_phones:
            phones = [parse_phone(p) for p in str(raw_phones).split(";") if p.strip()]
    except ValueError as error:
        problems.append(str(error))
    return phones
