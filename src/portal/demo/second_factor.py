"""The demo's second factor: every demo person whose role needs one gets an authenticator
device with the same published secret, and ten recovery codes named after them, so the
demo is one command away from a signed-in tour. Demo data only: `manage.py demo_code`
refuses any device whose key is not this published one."""

from __future__ import annotations

import base64

from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.models import User
from portal.accounts.sign_in import second_factor_required

SECRET = b"dti-demo-2025-secret"  # published: README.md, docs/portal.md
DEMO_TOTP_KEY = SECRET.hex()
DEMO_TOTP_BASE32 = base64.b32encode(SECRET).decode()  # what an authenticator app takes
DEMO_DEVICE_NAME = "Thiết bị trình diễn"


def demo_recovery_codes(username: str) -> list[str]:
    return [f"{username}{n:02d}" for n in range(1, 11)]


def demo_second_factor_give(user: User) -> bool:
    """Give `user` the demo devices if their role needs a second factor; True if given."""
    if not second_factor_required(user):
        return False
    TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, key=DEMO_TOTP_KEY, confirmed=True)
    device = StaticDevice.objects.create(user=user, name="Mã khôi phục", confirmed=True)
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=code) for code in demo_recovery_codes(user.username)
    )
    return True


def demo_code(username: str) -> str | None:
    """The code the demo secret gives now, for a demo person; None for anyone else."""
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is None or device.key != DEMO_TOTP_KEY:
        return None
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
