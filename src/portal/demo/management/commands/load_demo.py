"""`manage.py load_demo`: the demo provinces, their published history and an open campaign."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.demo.load import load_demo
from portal.demo.people import PASSWORD, PEOPLE
from portal.demo.second_factor import DEMO_TOTP_BASE32, demo_code, demo_recovery_codes


class Command(BaseCommand):
    help = "Load the demo (Bình Định and Bình Phước) once, and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        default = Path(settings.BASE_DIR).parent / "shared" / "reference" / "tables"
        parser.add_argument(
            "--tables",
            type=Path,
            default=default,
            help="published tables (shared/reference/tables)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tables: Path = options["tables"]
        if not tables.is_dir():
            raise CommandError(f"Không thấy thư mục bảng đã công bố: {tables}")
        if load_demo(tables=tables, say=self.stdout.write):
            self.stdout.write(self.style.SUCCESS("Đã nạp dữ liệu trình diễn."))
        else:
            self.stdout.write("Dữ liệu trình diễn đã có sẵn.")
        self.stdout.write(f"Tài khoản trình diễn (mật khẩu: {PASSWORD}):")
        for person in PEOPLE:
            self.stdout.write(f"  {person.describe()}{_second_factor(person.username)}")
        self.stdout.write(
            "Xác thực hai lớp (*): mã hiện tại `python manage.py demo_code TÊN`, hoặc ứng dụng "
            f"xác thực với khoá {DEMO_TOTP_BASE32}, hoặc một mã khôi phục TÊN01…TÊN10."
        )


def _second_factor(username: str) -> str:
    if demo_code(username) is None:
        return ""
    codes = demo_recovery_codes(username)
    return f"  * mã khôi phục {codes[0]}…{codes[-1]}"
