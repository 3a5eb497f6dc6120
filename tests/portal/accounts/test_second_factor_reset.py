"""An operator resets a person's second factor from the command line (the admin is
read-only): every device goes, and the next sign-in asks to enrol again."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django_otp import devices_for_user

from portal.accounts.second_factor import ENROL, recovery_codes_issue, totp_device_start
from portal.accounts.sign_in import second_factor_owed
from tests.portal.conftest import Cast


def test_a_reset_removes_every_device_and_the_next_sign_in_enrols(cast: Cast):
    device = totp_device_start(user=cast.quang)
    device.confirmed = True
    device.save()
    recovery_codes_issue(user=cast.quang)
    assert len(list(devices_for_user(cast.quang, confirmed=None))) == 2
    out = io.StringIO()
    call_command("second_factor_reset", "quang", stdout=out)
    assert "đã xoá 2 thiết bị" in out.getvalue()
    assert list(devices_for_user(cast.quang, confirmed=None)) == []
    assert second_factor_owed(cast.quang) == ENROL


def test_a_reset_of_nobody_says_so(cast: Cast):
    with pytest.raises(CommandError, match="không có tài khoản này"):
        call_command("second_factor_reset", "khong-co-ai")
