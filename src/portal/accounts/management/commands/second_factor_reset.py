"""`manage.py second_factor_reset USERNAME`: a person who lost both the phone and the
recovery codes gets a fresh start; they enrol a new authenticator at their next sign-in.
The admin site is read-only (docs/security.md), so this is how an operator does it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.accounts.models import User
from portal.accounts.second_factor import second_factor_reset


class Command(BaseCommand):
    help = "Remove a person's second-factor devices; they enrol a new one at next sign-in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"{options['username']}: không có tài khoản này")
        removed = second_factor_reset(user=user)
        self.stdout.write(
            f"{user.username}: đã xoá {removed} thiết bị xác thực; "
            "lần đăng nhập sau sẽ đăng ký lại."
        )
