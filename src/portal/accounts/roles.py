"""The roles a person holds in a province (the glossary's cast)."""

from django.db import models


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", "Quản trị (Sở chủ trì)"
    REPORTER = "reporter", "Cán bộ đầu mối của đơn vị"
    APPROVER = "approver", "Thủ trưởng đơn vị (phê duyệt)"
    APPRAISER = "appraiser", "Thành viên tổ thẩm định"
    LEADERSHIP = "leadership", "Lãnh đạo"


UNIT_ROLES = frozenset({Role.REPORTER, Role.APPROVER})
READ_ALL_ROLES = frozenset({Role.OFFICE_ADMIN, Role.APPRAISER, Role.LEADERSHIP})
