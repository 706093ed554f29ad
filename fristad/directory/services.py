"""Writes to the directory. Every import is all or nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from django.db import transaction

from fristad.directory import jourfile
from fristad.directory.jourfile import JourSpec, PhoneSpec, RowError
from fristad.directory.models import (
    DirectoryRevision,
    Jour,
    JourLanguage,
    JourService,
    OpeningException,
    OpeningHours,
    Phone,
)
from fristad.directory.selectors import jour_spec, municipality_lookup
from fristad.geo.models import Municipality


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors


def directory_revision_bump() -> None:
    """Every write to what the public sees calls this, inside its transaction."""
    DirectoryRevision.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


@transaction.atomic
def jour_set_active(*, jour: Jour, active: bool) -> Jour:
    """Publish or withdraw a jour (a suspended member is not public)."""
    jour.is_active = active
    jour.save(update_fields=["is_active"])
    directory_revision_bump()
    return jour


@transaction.atomic
def jour_profile_update(
    *,
    jour: Jour,
    chats: bool,
    services: list[str],
    languages: list[str],
    accessibility_notes: str,
    email: str,
    website: str,
    phones: list[PhoneSpec],
) -> Jour:
    """Replace what a jour publishes about itself; the public site shows it at once."""
    spec = replace(
        jour_spec(jour_id=jour.pk),
        chats=chats,
        services=services,
        languages=languages,
        accessibility_notes=accessibility_notes,
        email=email,
        website=website,
        phones=phones,
    )
    saved, _created = jour_save_from_spec(spec=spec)
    return saved


@transaction.atomic
def jour_delete(*, jour: Jour) -> None:
    jour.delete()
    directory_revision_bump()


@transaction.atomic
def jourer_delete_demo() -> int:
    """Remove the fictional demo network."""
    demo = Jour.objects.filter(is_demo=True)
    count = demo.count()
    demo.delete()
    directory_revision_bump()
    return count


@transaction.atomic
def jour_save_from_spec(*, spec: JourSpec) -> tuple[Jour, bool]:
    """Create or replace one jour (matched by slug) with everything it publishes."""
    jour, created = Jour.objects.update_or_create(
        slug=spec.slug,
        defaults={
            "name": spec.name,
            "kind": spec.kind,
            "home_municipality_id": spec.home_municipality,
            "chats": spec.chats,
            "accessibility_notes": spec.accessibility_notes,
            "email": spec.email,
            "website": spec.website,
            "member_since": spec.member_since,
            "is_demo": spec.is_demo,
            "is_active": spec.is_active,
        },
    )
    jour.served_municipalities.set(Municipality.objects.filter(code__in=spec.served_municipalities))
    JourService.objects.filter(jour=jour).delete()
    JourService.objects.bulk_create(JourService(jour=jour, service=s) for s in dict.fromkeys(spec.services))
    JourLanguage.objects.filter(jour=jour).delete()
    JourLanguage.objects.bulk_create(
        JourLanguage(jour=jour, language=c) for c in dict.fromkeys(spec.languages)
    )
    Phone.objects.filter(jour=jour).delete()
    for position, phone_spec in enumerate(spec.phones):
        phone = Phone.objects.create(
            jour=jour, kind=phone_spec.kind, number=phone_spec.number, position=position
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(phone=phone, weekday=s.weekday, opens=s.opens, closes=s.closes)
            for s in phone_spec.weekly
        )
        OpeningException.objects.bulk_create(
            OpeningException(
                phone=phone, date=e.date, closed=e.closed, opens=e.opens, closes=e.closes, note=e.note
            )
            for e in phone_spec.exceptions
        )
    directory_revision_bump()
    return jour, created


def jourer_import(*, text: str, fmt: str) -> ImportResult:
    """Validate every row first; write all rows in one transaction, or none."""
    try:
        specs, errors = jourfile.parse(text, fmt, municipality_lookup())
    except jourfile.FileFormatError as error:
        return ImportResult(0, 0, [RowError(error.line, error.message)])
    if errors:
        return ImportResult(0, 0, errors)
    created = updated = 0
    with transaction.atomic():
        for spec in specs:
            _, was_created = jour_save_from_spec(spec=spec)
            created += was_created
            updated += not was_created
    return ImportResult(created, updated, [])
