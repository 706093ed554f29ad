"""Pure rules of the support app, without the ORM: what an alias and a call-back number
may be, Stockholm wall-clock times as instants (across daylight-saving changes), and when
a closed case is due for deletion."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from django.utils.translation import gettext as _

from fristad.directory.hours import STOCKHOLM

ALIAS_MAX = 40
PLACE_MAX = 80
# The longest appointment: a day in court.
MAX_APPOINTMENT = timedelta(hours=12)
DEFAULT_APPOINTMENT = timedelta(hours=1)

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PHONE_CHARS = re.compile(r"[0-9 ()\-+]+", flags=re.ASCII)


class RuleError(ValueError):
    """Bad input, with a message for her (already translated) and the field it is about."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def clean_alias(text: str) -> str:
    """A first name or alias: short, no digits (nothing like a personnummer), no e-mail."""
    alias = " ".join(text.split())
    if not alias:
        raise RuleError(_("Write the first name or alias she chose."))
    if len(alias) > ALIAS_MAX:
        raise RuleError(_("Keep the alias to %(max)d characters.") % {"max": ALIAS_MAX})
    if any(ch.isdigit() for ch in alias) or "@" in alias or _CONTROL.search(alias):
        raise RuleError(
            _("Only a first name or an alias: no digits, e-mail addresses or other details about her.")
        )
    return alias


def clean_place(text: str) -> str:
    place = " ".join(_CONTROL.sub(" ", text).split())
    if len(place) > PLACE_MAX:
        raise RuleError(_("Keep the place to %(max)d characters.") % {"max": PLACE_MAX})
    return place


def clean_phone(text: str) -> str:
    """A call-back number as digits, with a leading + for an international one; "" for none.

    Accepts the ways numbers are written (070-123 45 67, +46 70 123 45 67, 0046...).
    A Swedish number starts with 0 and has 8 to 10 digits; an international one 8 to 15.
    """
    raw = text.strip()
    if not raw:
        return ""
    invalid = RuleError(_("Write a phone number, like 070-123 45 67 or +46 70 123 45 67."))
    if not _PHONE_CHARS.fullmatch(raw) or "+" in raw[1:]:
        raise invalid
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+") or digits.startswith("00"):
        digits = digits.removeprefix("00")
        if digits.startswith("460"):  # +46 (0)70...: the Swedish trunk 0 does not belong
            digits = "46" + digits[3:]
        if not 8 <= len(digits) <= 15 or digits.startswith("0"):
            raise invalid
        return "+" + digits
    if not digits.startswith("0") or not 8 <= len(digits) <= 10:
        raise invalid
    return digits


def stockholm_instant(day: date, at: time, field: str = "") -> datetime:
    """The instant a Stockholm wall-clock time names, as an aware UTC datetime.

    A time the clocks skip (the spring-forward hour) is refused; a time that happens twice
    (the autumn hour) is its first occurrence, summer time.
    """
    local = datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=STOCKHOLM)
    instant = local.astimezone(UTC)
    if instant.astimezone(STOCKHOLM).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise RuleError(
            _("%(time)s does not exist on %(day)s: the clocks are put forward that night.")
            % {"time": at.strftime("%H:%M"), "day": day.isoformat()},
            field,
        )
    return instant


def appointment_span(day: date, starts: time, ends: time | None) -> tuple[datetime, datetime]:
    """Start and end instants of an appointment on one Stockholm day (an hour if no end is given)."""
    start = stockholm_instant(day, starts, "starts")
    end = start + DEFAULT_APPOINTMENT if ends is None else stockholm_instant(day, ends, "ends")
    if end <= start:
        raise RuleError(_("The appointment must end after it starts (on the same day)."), "ends")
    if end - start > MAX_APPOINTMENT:
        raise RuleError(_("An appointment can be at most 12 hours long."), "ends")
    return start, end


def stockholm_date(at: datetime) -> date:
    return at.astimezone(STOCKHOLM).date()


def purge_due_at(*, closed_at: datetime, appointment_ends: Iterable[datetime], keep: timedelta) -> datetime:
    """When a closed case may be deleted: ``keep`` after its last appointment, and never
    sooner than ``keep`` after it was closed (a case closed by mistake can be reopened)."""
    last = max([closed_at, *appointment_ends])
    return last + keep
