"""Appraisal in rounds: the campaign's team and what each member appraises, the team's
score of each criterion in each round, its verdict on each evidence file, and the unit's
response (confirm or supplement) when a round's results are returned.

The rounds themselves (deadlines, state, which one is final) are campaigns.AppraisalRound;
their moves are the ROUND machine of portal.workflow.

Which value counts (portal.appraisals.values): in round r, a criterion's appraised value is
the value the team gave it in the latest round ≤ r; a criterion the team has not scored
keeps the value the unit declares, which is its latest supplemented value from an earlier
round, else its self-assessed answer (or, for a system-sourced criterion, the value
imported from the source system). The final round's values are the campaign's results."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from portal.assessments.models import Evidence
from portal.campaigns.models import AppraisalRound, Campaign, CampaignUnit
from portal.units.models import Unit


class TeamMember(models.Model):
    """A person on a campaign's appraisal team (Tổ thẩm định). The chair opens, returns,
    closes and agrees rounds and finalizes the campaign; members score what they are
    assigned. Any person of the province may sit on the team: an officer of a domain
    department, or of a district committee delegated its communes."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    chair = models.BooleanField(gettext_lazy("tổ trưởng"), default=False)

    class Meta:
        verbose_name = gettext_lazy("thành viên tổ thẩm định")
        verbose_name_plural = gettext_lazy("tổ thẩm định")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="team_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.campaign})"


class Assignment(models.Model):
    """What one member appraises. `unit`: that unit; `district`: every commune whose parent
    is that district (the district committee's delegation); neither: every unit. `index`
    narrows it to one main index ("" = all of them). So "index 5 of every unit" is
    (None, None, "5"); "all of Sở Nội vụ" is (Sở Nội vụ, None, ""). A member never appraises
    a unit he reports or approves for, whatever the assignment says."""

    member = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    district = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    index = models.CharField(gettext_lazy("chỉ số chính"), max_length=64, blank=True)

    class Meta:
        verbose_name = gettext_lazy("phân công thẩm định")
        verbose_name_plural = gettext_lazy("phân công thẩm định")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__isnull=True) | models.Q(district__isnull=True),
                name="assignment_unit_or_district",
            ),
        ]  # a repeated assignment is refused by the service (NULLs never clash in SQL)

    def __str__(self) -> str:
        return f"{self.member}: {self.unit or self.district or '—'} {self.index}".rstrip()


class Appraisal(models.Model):
    """The team's score of one criterion of one unit in one round.

    `value` has the shape of the unit's answer (assessments.Answer.value): the inputs of the
    criterion's rule, scored by the same rule; for a criterion that is the appraisers' call
    it is the score itself. None: not scored in this round (the value carries over)."""

    campaign_unit = models.ForeignKey(
        CampaignUnit, on_delete=models.CASCADE, related_name="appraisals"
    )
    round = models.ForeignKey(AppraisalRound, on_delete=models.CASCADE, related_name="appraisals")
    criterion = models.CharField(gettext_lazy("tiêu chí"), max_length=64)
    value = models.JSONField(gettext_lazy("giá trị thẩm định"), null=True, blank=True)
    remark = models.TextField(gettext_lazy("nhận xét"), blank=True)
    # Asked of the unit when the round's results are returned, due by `supplement_due`
    # (the round's supplement deadline unless set here).
    supplement_requested = models.BooleanField(gettext_lazy("yêu cầu bổ sung"), default=False)
    supplement_request = models.TextField(gettext_lazy("nội dung yêu cầu bổ sung"), blank=True)
    supplement_due = models.DateTimeField(gettext_lazy("hạn bổ sung"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)  # optimistic locking
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = gettext_lazy("điểm thẩm định")
        verbose_name_plural = gettext_lazy("điểm thẩm định")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign_unit", "round", "criterion"], name="appraisal_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_unit}: {self.criterion} (vòng {self.round.number})"


class Verdict(models.TextChoices):
    ACCEPTED = "accepted", gettext_lazy("Đạt")
    INSUFFICIENT = "insufficient", gettext_lazy("Chưa đủ")
    REJECTED = "rejected", gettext_lazy("Không chấp nhận")


class EvidenceVerdict(models.Model):
    """The team's verdict on one evidence file or link in one round."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="verdicts")
    round = models.ForeignKey(AppraisalRound, on_delete=models.CASCADE, related_name="verdicts")
    verdict = models.CharField(gettext_lazy("kết luận"), max_length=20, choices=Verdict.choices)
    note = models.TextField(gettext_lazy("ghi chú"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evidence", "round"], name="evidence_verdict_unique")
        ]

    def __str__(self) -> str:
        return f"{self.evidence}: {self.get_verdict_display()} (vòng {self.round.number})"


class ResponseKind(models.TextChoices):
    CONFIRM = "confirm", gettext_lazy("Đồng ý với kết quả thẩm định")
    SUPPLEMENT = "supplement", gettext_lazy("Giải trình, bổ sung")


class Response(models.Model):
    """The unit's answer, per criterion, to a round whose results were returned: it
    confirms the appraised value, or supplements (a new value, a reply, new evidence filed
    as assessments.Evidence with this round). The next round appraises the new value."""

    campaign_unit = models.ForeignKey(
        CampaignUnit, on_delete=models.CASCADE, related_name="responses"
    )
    round = models.ForeignKey(AppraisalRound, on_delete=models.CASCADE, related_name="responses")
    criterion = models.CharField(gettext_lazy("tiêu chí"), max_length=64)
    kind = models.CharField(gettext_lazy("phản hồi"), max_length=20, choices=ResponseKind.choices)
    value = models.JSONField(gettext_lazy("giá trị bổ sung"), null=True, blank=True)
    reply = models.TextField(gettext_lazy("giải trình"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign_unit", "round", "criterion"], name="response_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_unit}: {self.criterion} (vòng {self.round.number})"
