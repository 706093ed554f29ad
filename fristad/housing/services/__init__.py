"""Writes for skyddat boende, each in one transaction, refusing bad input with a clear
(translatable) ValidationError. One module per sub-domain:

- ``units``: a unit's facts and its vacancies;
- ``requests``: placement requests and their answers (the state machine and the race);
- ``stays``: stays the jour records itself, the end of a stay or of one person's part;
- ``turned_away``: enquiries logged by hand;
- ``retention``: expiry of open requests and the purge;
- ``_common``: limits and helpers the others share.

Callers import from here (``from fristad.housing import services``).
"""

from fristad.housing.services._common import (
    LATEST_START_DAYS,
    MAX_ADULTS,
    MAX_CHILDREN,
    needs_problems,
    stockholm_today,
)
from fristad.housing.services.requests import (
    MAX_UNITS_PER_REQUEST,
    Accepted,
    placement_request_cancel,
    placement_request_create,
    request_item_accept,
    request_item_decline,
    turned_away_reason,
)
from fristad.housing.services.retention import Purged, housing_purge, requests_expire
from fristad.housing.services.stays import placement_person_end, stay_create_own, stay_end
from fristad.housing.services.turned_away import turned_away_log
from fristad.housing.services.units import MAX_PLACES, UnitData, unit_save, unit_set_vacancies

__all__ = [
    "LATEST_START_DAYS",
    "MAX_ADULTS",
    "MAX_CHILDREN",
    "MAX_PLACES",
    "MAX_UNITS_PER_REQUEST",
    "Accepted",
    "Purged",
    "UnitData",
    "housing_purge",
    "needs_problems",
    "placement_person_end",
    "placement_request_cancel",
    "placement_request_create",
    "request_item_accept",
    "request_item_decline",
    "requests_expire",
    "stay_create_own",
    "stay_end",
    "stockholm_today",
    "turned_away_log",
    "turned_away_reason",
    "unit_save",
    "unit_set_vacancies",
]
