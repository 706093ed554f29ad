"""The fictional demo stödperson cases: only in demo mode, marked, rebuilt without piling up counts."""

from __future__ import annotations

import pytest
from django.test import override_settings

from fristad.accounts.demo import demo_staff_build
from fristad.directory.demo import demo_network_build
from fristad.support.demo import DemoModeOff, demo_support_build
from fristad.support.models import Appointment, SupportAppointmentCount, SupportCase
from tests.conftest import ensure_reference_data

pytestmark = pytest.mark.django_db


def test_refused_outside_demo_mode() -> None:
    with override_settings(DEMO_MODE=False), pytest.raises(DemoModeOff):
        demo_support_build()
    assert not SupportCase.objects.exists()


@override_settings(DEMO_MODE=True)
def test_demo_cases_are_marked_fictional_and_rebuild_cleanly() -> None:
    ensure_reference_data()
    assert demo_network_build().ok
    demo_staff_build()
    first = demo_support_build()
    assert "FICTIONAL" in first
    cases = SupportCase.objects.count()
    counts = SupportAppointmentCount.objects.count()
    assert cases > 0 and counts == Appointment.objects.count()
    assert all(alias.endswith("(demo)") for alias in SupportCase.objects.values_list("alias", flat=True))
    assert all(c.phone == "" or c.phone.startswith("07017406") for c in SupportCase.objects.all())
    demo_support_build()
    assert SupportCase.objects.count() == cases
    assert SupportAppointmentCount.objects.count() == counts
