"""FICTIONAL demo contact records at the demo jourer, so that the statistics pages, exports and
yearly reports have something to show.

Only with settings.DEMO_MODE on (the ``demo`` command calls it after the demo staff); never in
production. The counts are invented (a seeded random mix, some jourer large and some small, so
that small figures are suppressed on the national pages). Rebuilding replaces the demo jourer's
records. Contact records hold no names or free text, so there is nothing else to mark.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction

from fristad.directory.models import Jour
from fristad.stats.models import MULTI_CHOICE, AgeBand, Channel, ContactRecord, Who
from fristad.stats.periods import stockholm_today

SEED = 6
CHANNELS = [
    (Channel.PHONE, 50),
    (Channel.CHAT, 25),
    (Channel.EMAIL, 12),
    (Channel.SMS, 8),
    (Channel.VISIT, 5),
]
WHO = [(Who.WOMAN, 70), (Who.RELATIVE, 12), (Who.PROFESSIONAL, 8), (Who.GIRL, 6), (Who.OTHER, 4)]
AGES = [
    (AgeBand.UNKNOWN, 30),
    (AgeBand.AGE_26_35, 20),
    (AgeBand.AGE_36_45, 20),
    (AgeBand.AGE_18_25, 12),
    (AgeBand.AGE_46_55, 10),
    (AgeBand.AGE_56_65, 5),
    (AgeBand.AGE_66_PLUS, 3),
]
# Share (per cent) of contacts with each multi-choice answer ticked; the rest 5 %.
SHARES = {
    "violence_psychological": 60,
    "violence_physical": 35,
    "violence_threats": 25,
    "support_listening": 80,
}


def _weighted(rng: random.Random, options: Sequence[tuple[str, int]]) -> str:
    return rng.choices([o for o, _w in options], weights=[w for _o, w in options])[0]


@transaction.atomic
def demo_contacts_build(*, today: dt.date | None = None) -> str:
    """Replace the demo jourer's contact records with invented ones for this year and last."""
    if not settings.DEMO_MODE:
        return "Demo contact records not created (DEMO_MODE is off)."
    today = today or stockholm_today()
    jourer = list(Jour.objects.filter(is_demo=True).order_by("pk"))
    ContactRecord.objects.filter(jour__in=jourer).delete()
    rng = random.Random(SEED)  # noqa: S311 - invented demo figures, not secrets
    first = dt.date(today.year - 1, 1, 1)
    days = (today - first).days + 1
    records = []
    for index, jour in enumerate(jourer):
        per_year = rng.choice([40, 90, 200, 400]) if index % 3 else rng.choice([600, 900])
        for _ in range(per_year * days // 365):
            girl = (who := _weighted(rng, WHO)) == Who.GIRL
            answers = {
                f"{group}_{value}": rng.randrange(100) < SHARES.get(f"{group}_{value}", 5)
                for group, choices in MULTI_CHOICE.items()
                for value in choices.values
                if value != "none"
            }
            records.append(
                ContactRecord(
                    jour=jour,
                    date=first + dt.timedelta(days=rng.randrange(days)),
                    channel=_weighted(rng, CHANNELS),
                    who=who,
                    age=AgeBand.UNDER_18 if girl else _weighted(rng, AGES),
                    **answers,
                )
            )
    ContactRecord.objects.bulk_create(records, batch_size=2_000)
    return (
        f"Demo contact records (FICTIONAL): {len(records)} at {len(jourer)} demo jourer, "
        f"{first.year} and {today.year}."
    )


@transaction.atomic
def demo_contacts_remove() -> int:
    """Delete the demo jourer's contact records. Call it before the demo jourer are deleted:
    a removed jour's records are kept (jour set to NULL) and counted as a former member's."""
    deleted, _by_model = ContactRecord.objects.filter(jour__is_demo=True).delete()
    return deleted
