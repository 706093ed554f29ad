"""The fictional demo contact records: only with DEMO_MODE, only at demo jourer, rebuilt not doubled."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from fristad.directory.demo import demo_network_build
from fristad.directory.models import Jour
from fristad.stats.demo import demo_contacts_build, demo_contacts_remove
from fristad.stats.models import ContactRecord
from tests.conftest import ensure_reference_data

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 25)


def test_demo_contact_records_only_in_demo_mode_at_demo_jourer(sample_jourer: list[Jour]) -> None:
    ensure_reference_data()
    assert demo_network_build().ok
    with override_settings(DEMO_MODE=False):
        assert "not created" in demo_contacts_build(today=TODAY)
    assert not ContactRecord.objects.exists()
    with override_settings(DEMO_MODE=True):
        message = demo_contacts_build(today=TODAY)
        count = ContactRecord.objects.count()
        assert "FICTIONAL" in message and count > 1000
        assert not ContactRecord.objects.filter(jour__is_demo=False).exists()
        assert not ContactRecord.objects.filter(jour__isnull=True).exists()
        assert ContactRecord.objects.filter(date__gt=TODAY).count() == 0
        assert ContactRecord.objects.filter(date__lt=dt.date(2025, 1, 1)).count() == 0
        assert not ContactRecord.objects.filter(who="girl").exclude(age="under_18").exists()
        demo_contacts_build(today=TODAY)
        assert ContactRecord.objects.count() == count  # rebuilt, not doubled
    ContactRecord.objects.create(
        jour=sample_jourer[0], date=TODAY, channel="phone", who="woman", age="unknown"
    )
    assert demo_contacts_remove() == count
    assert ContactRecord.objects.count() == 1  # a real jour's record stays
