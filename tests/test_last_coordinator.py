"""A jour always keeps at least one coordinator."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from fristad.accounts.models import Membership, Role
from fristad.accounts.services import membership_remove, membership_set_role
from tests.conftest import Staff


def test_the_last_coordinator_can_be_neither_demoted_nor_removed(staff: Staff) -> None:
    own = Membership.objects.get(user=staff.admin_a, jour=staff.jour_a)
    with pytest.raises(ValidationError):
        membership_set_role(membership=own, role=Role.JOURKVINNA, actor=staff.admin_a)
    with pytest.raises(ValidationError):
        membership_remove(membership=own, actor=staff.admin_a)
    assert Membership.objects.get(pk=own.pk).role == Role.JOUR_ADMIN
    # With a second coordinator, the first may step down.
    other = Membership.objects.get(user=staff.kvinna_a, jour=staff.jour_a)
    membership_set_role(membership=other, role=Role.JOUR_ADMIN, actor=staff.admin_a)
    membership_set_role(membership=own, role=Role.JOURKVINNA, actor=staff.admin_a)
    assert Membership.objects.get(pk=own.pk).role == Role.JOURKVINNA
