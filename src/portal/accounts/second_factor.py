"""The second factor at sign-in: the devices that give it, and what a session still owes.

A person signs in with their password first; `portal.accounts.sign_in.remember_sign_in`
then writes in the session what the second step still owes ("verify" a code, or "enrol" a
device first), and `portal.accounts.middleware.SecondFactorMiddleware` lets such a session
reach nothing but the second-factor pages and logout until the code is given. Who must use
one (`sign_in.second_factor_required`) is decided once, at sign-in,
so the pages people use every minute pay no query for it (docs/security.md).

Devices are django-otp's: one TOTP device (an authenticator app) and one static device
holding the single-use recovery codes."""

from __future__ import annotations

import base64
import logging

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user, verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.models import User

logger = logging.getLogger(__name__)

STATE = "dti_second_factor"  # what the session still owes: VERIFY, ENROL or NONE
VERIFY, ENROL, NONE = "verify", "enrol", "none"
LAST_SEEN = "dti_last_seen"  # epoch seconds of the session's last request (IdleSessionMiddleware)
RECOVERY_CODES = 10


def totp_device_of(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def session_is_verified(request: HttpRequest) -> bool:
    return DEVICE_ID_SESSION_KEY in request.session


def device_verify(*, user: User, code: str) -> Device | None:
    """The device that accepts `code`: the authenticator app for six digits, else the
    recovery codes. django-otp refuses a TOTP code already used (last_t) and slows down a
    device after wrong codes; a recovery code is deleted as it is used."""
    code = "".join(code.split()).lower()
    # Routed by shape, so a recovery code never counts as a wrong authenticator code.
    kind = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    for device in kind.objects.filter(user=user, confirmed=True):
        if verify_token(user, device.persistent_id, code) is not None:
            return device
    return None


def seconds_to_wait(user: User) -> int:
    """How long the throttled devices still refuse every code (0: they take one now)."""
    waits = []
    for device in (*TOTPDevice.objects.filter(user=user), *StaticDevice.objects.filter(user=user)):
        allowed, data = device.verify_is_allowed()
        if not allowed and data and "locked_until" in data:
            waits.append(int((data["locked_until"] - timezone.now()).total_seconds()) + 1)
    return max(waits, default=0)


def totp_device_start(*, user: User) -> TOTPDevice:
    """The device being enrolled: the same secret on every visit until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device with its first code; returns the new recovery codes, or None when
    the code is wrong (nothing changes then)."""
    if not device.verify_token("".join(code.split())):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    return recovery_codes_issue(user=device.user)


@transaction.atomic
def recovery_codes_issue(*, user: User) -> list[str]:
    """Ten new single-use codes; the old ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="Mã khôi phục", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user: User) -> int:
    left: int = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return left


def totp_secret(device: TOTPDevice) -> str:
    """The secret as the authenticator apps take it by hand (base32, in groups of four)."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The enrolment QR code as inline SVG markup, drawn here: the secret never leaves the
    server to be drawn, and inline SVG needs no image source a content policy would refuse.
    The library is loaded here, by the one page that draws (docs/deployment.md, "Memory")."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    svg: str = image.to_string(encoding="unicode")
    return svg[svg.index("<svg") :]


@transaction.atomic
def second_factor_reset(*, user: User) -> int:
    """Remove every device of `user` (a lost phone with its recovery codes): they enrol anew
    at their next sign-in. The number of devices removed."""
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    logger.warning("second factor reset for %s: %d device(s) removed", user.username, removed)
    return removed
