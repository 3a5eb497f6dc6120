"""The demo's people: the test cast's roles, on the demo provinces."""

from __future__ import annotations

from dataclasses import dataclass

from portal.roles import Role

PASSWORD = "dti-demo-2025"  # noqa: S105  (the demo's people, printed on its login page)


@dataclass(frozen=True)
class Person:
    username: str
    full_name: str
    province: str  # province code
    role: Role
    unit: str | None = None  # unit code, for unit roles

    def describe(self) -> str:
        where = f", {self.unit}" if self.unit else ""
        role = Role(self.role).label
        return f"{self.username:8} {self.full_name:22} {self.province:11} {role}{where}"


PEOPLE = (
    Person("quang", "Đặng Minh Quang", "binh-dinh", Role.OFFICE_ADMIN),
    Person("lan", "Nguyễn Thị Lan", "binh-dinh", Role.REPORTER, "so-noi-vu"),
    Person("minh", "Trần Văn Minh", "binh-dinh", Role.APPROVER, "so-noi-vu"),
    Person("thao", "Lê Thị Thảo", "binh-dinh", Role.REPORTER, "so-tu-phap"),
    Person("hung", "Phạm Văn Hùng", "binh-dinh", Role.APPRAISER),
    Person("hoa", "Võ Thị Hoa", "binh-dinh", Role.LEADERSHIP),
    Person("phuoc", "Hồ Văn Phước", "binh-phuoc", Role.OFFICE_ADMIN),
    # Bình Phước's 2025 campaign is in appraisal (portal/demo/appraisal.py).
    Person("tham", "Nguyễn Thị Thắm", "binh-phuoc", Role.REPORTER, "so-noi-vu"),
    Person("chinh", "Trần Văn Chính", "binh-phuoc", Role.APPRAISER),  # chairs the team
    Person("mai", "Ngô Thị Mai", "binh-phuoc", Role.APPRAISER),
)
