"""`manage.py demo_code USERNAME`: the six-digit code a demo person's authenticator would
show now. Only for the demo's published secret: it refuses everyone else."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.demo.second_factor import demo_code


class Command(BaseCommand):
    help = "Print the current second-factor code of a demo person (demo data only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        code = demo_code(options["username"])
        if code is None:
            raise CommandError(
                f"{options['username']}: không phải tài khoản trình diễn có xác thực hai lớp"
            )
        self.stdout.write(code)
