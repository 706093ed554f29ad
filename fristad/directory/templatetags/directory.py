"""Human text for opening hours and open-now status, in the active language."""

from __future__ import annotations

from datetime import datetime, time

from django import template
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from fristad.directory.hours import STOCKHOLM, OpenStatus, Schedule, Slot, weekly_groups
from fristad.directory.models import Language, PhoneKind, Service

register = template.Library()


def _clock(value: time, closing: bool = False) -> str:
    if closing and value == time(0):
        return "24:00"
    return time_format(value, "H:i")


def slots_text(slots: tuple[Slot, ...]) -> str:
    if not slots:
        return _("closed")
    parts = []
    for slot in slots:
        if slot.opens == slot.closes == time(0):
            parts.append(_("open all day and night"))
        else:
            parts.append(f"{_clock(slot.opens)}–{_clock(slot.closes, closing=True)}")
    return ", ".join(parts)


def opening_text(groups: list[tuple[int, int, tuple[Slot, ...]]]) -> list[tuple[str, str]]:
    lines = []
    for first, last, slots in groups:
        days = str(WEEKDAYS_ABBR[first]) if first == last else f"{WEEKDAYS_ABBR[first]}–{WEEKDAYS_ABBR[last]}"
        lines.append((days, slots_text(slots)))
    return lines


def _when(moment: datetime, now: datetime | None = None) -> str:
    local = moment.astimezone(STOCKHOLM)
    today = (now or datetime.now(STOCKHOLM)).astimezone(STOCKHOLM).date()
    clock = _clock(local.time())
    if local.date() == today:
        return clock
    if (local.date() - today).days == 1:
        return _("tomorrow %(time)s") % {"time": clock}
    return f"{WEEKDAYS[local.weekday()]} {clock}"


def status_text(status: OpenStatus) -> str:
    if status.is_open:
        if status.closes_at is None:
            return _("Open now")
        return _("Open now, until %(time)s") % {"time": _when(status.closes_at)}
    if status.opens_at is None:
        return _("Closed")
    return _("Closed, opens %(time)s") % {"time": _when(status.opens_at)}


@register.filter
def open_status_text(status: OpenStatus) -> str:
    return status_text(status)


@register.filter
def weekly_lines(schedule: Schedule) -> list[tuple[str, str]]:
    return opening_text(weekly_groups(schedule))


@register.filter
def exception_text(exception: object) -> str:
    opens = getattr(exception, "opens", None)
    closes = getattr(exception, "closes", None)
    if getattr(exception, "closed", True) or opens is None or closes is None:
        return _("closed")
    return slots_text((Slot(opens, closes),))


@register.filter
def service_label(code: str) -> str:
    return str(Service(code).label) if code in Service.values else code


@register.filter
def language_label(code: str) -> str:
    return str(Language(code).label) if code in Language.values else code


@register.filter
def phone_kind_label(code: str) -> str:
    return str(PhoneKind(code).label) if code in PhoneKind.values else code


@register.filter
def tel_href(number: str) -> str:
    return "tel:" + "".join(ch for ch in number if ch.isdigit() or ch == "+")
