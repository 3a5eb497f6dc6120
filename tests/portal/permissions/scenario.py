"""The world every URL of the permission matrix is opened in: one object behind every kind
of URL argument, all of Tỉnh Mẫu, so that the cast's roles decide the answer and a missing
object never does.

It is the unit side's appraisal scenario (tests/portal/appraisals/unit_fixtures.py: the
2025 campaign in appraisal, round 1 returned, round 2 being scored, the team with Hùng on
it), plus what the other URLs name: a stored evidence file of Sở Nội vụ's self-assessment
and one supplemented in round 1, its snapshot with the signed PDF of its approval, a
lineage, an API token, one of Lan's notifications. The
report and chart URLs need a campaign with results: Bình Định's published table of 2023,
imported, in which the cast holds the same roles (tests/portal/campaigns/
test_report_download.py's `published`); it is built only for the URLs that name it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.accounts.models import Membership, User
from portal.assessments import evidence_files
from portal.assessments.models import Evidence, Submission, SubmissionSignature
from portal.assessments.selectors import framework_for
from portal.assessments.snapshot import build_snapshot, snapshot_sha256
from portal.campaigns.models import Campaign
from portal.indicators.services import api_token_create
from portal.jobs.models import Job, JobState
from portal.jobs.services import result_path
from portal.notifications.models import Notification
from portal.publication.models import Version
from portal.roles import Role
from portal.signatures.models import CertificateIdentity, IdentityState, TrustRoot
from portal.units.models import Lineage, Unit
from portal.workflow import CampaignState
from tests.portal.appraisals.unit_fixtures import Appraised
from tests.portal.assessments.conftest import PDF
from tests.portal.conftest import Cast
from tests.portal.workers import a_worker_beats

# The cast (tests/portal/conftest.py), anonymous, and Chính, who chairs the appraisal team.
ROLES = ("anonymous", "lan", "minh", "thao", "hung", "hoa", "quang", "khoa", "chinh")


@dataclass
class World:
    appraised: Appraised
    ids: dict[str, object] = field(default_factory=dict)  # a URL argument's source -> value

    @property
    def cast(self) -> Cast:
        return self.appraised.cast

    def person(self, role: str) -> User | None:
        return self.appraised.person("anon" if role == "anonymous" else role)

    def value(self, source: str) -> object:
        return self.ids[source]


def stored_evidence(submission: Submission, by: User, **fields: object) -> Evidence:
    """A real file under EVIDENCE_ROOT, as an upload leaves it."""
    stored = evidence_files.store(SimpleUploadedFile("danh-sach.pdf", PDF))
    return Evidence.objects.create(
        submission=submission,
        criterion="cqs_ky_so",
        stored_name=stored.stored_name,
        original_name="Danh sách văn bản ký số.pdf",
        content_type="application/pdf",
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by=by,
        **fields,
    )


def signed(submission: Submission, cast: Cast) -> SubmissionSignature:
    """The approved submission's snapshot, and a signed PDF kept with its approval, as an
    approval with the unit head's signature leaves them (the PDF to sign and the signed one
    are then served)."""
    campaign_unit = submission.campaign_unit
    submission.snapshot = build_snapshot(
        campaign_unit, framework_for(campaign_unit), submission.answers.all(), []
    )
    submission.snapshot_sha256 = snapshot_sha256(submission.snapshot)
    submission.submitted_by, submission.submitted_at = cast.lan, timezone.now()
    submission.approved_by, submission.approved_at = cast.minh, timezone.now()
    submission.save()
    stored = evidence_files.store(SimpleUploadedFile("ky-so.pdf", PDF))
    return SubmissionSignature.objects.create(
        submission=submission,
        snapshot_sha256=submission.snapshot_sha256,
        stored_name=stored.stored_name,
        size=stored.size,
        sha256=stored.sha256,
        signer_name="Trần Văn Minh",
        signer_fingerprint="0" * 64,
        signed_at=timezone.now(),
        status="valid",
        status_label="Hợp lệ",
        uploaded_by=cast.minh,
    )


def build_world(appraised: Appraised) -> World:
    cast = appraised.cast
    submission = Submission.objects.get(campaign_unit=cast.noi_vu_campaign_unit)
    filed = stored_evidence(submission, cast.lan)
    supplement = stored_evidence(submission, cast.lan, round=appraised.rounds[1])
    signed(submission, cast)
    merged = Unit.objects.create(
        province=cast.province,
        code="so-van-hoa",
        name="Sở Văn hoá",
        level="so",
        active_until=date(2024, 12, 31),
    )
    lineage = Lineage.objects.create(
        predecessor=merged,
        successor=cast.noi_vu,
        kind=Lineage.Kind.MERGED_INTO,
        effective=date(2025, 1, 1),
    )
    token, _ = api_token_create(province=cast.province, actor=cast.quang, name="Cổng DVC")
    note = Notification.objects.create(
        user=cast.lan,
        kind="results_returned",
        title="Kết quả vòng 1",
        url=f"/tham-dinh/don-vi/{cast.noi_vu_campaign_unit.pk}/ket-qua/",
        campaign=cast.campaign,
    )
    a_worker_beats()  # /healthz answers 200 only while a task worker beats
    job = finished_job(cast.lan)
    team = {member.user.username: member for member in cast.campaign.team.all()}
    root, claimed, confirmed = signature_objects(cast)
    ids: dict[str, object] = {
        "campaign": cast.campaign.pk, "campaign_unit": cast.noi_vu_campaign_unit.pk,
        "other_campaign_unit": cast.tu_phap_campaign_unit.pk, "unit": cast.noi_vu.pk,
        "framework": cast.framework.pk, "province": cast.province.code,
        "province_id": cast.province.pk, "evidence": filed.pk, "supplement": supplement.pk,
        "returned_round": 1, "scoring_round": 2, "criterion": "cqs_ky_so", "member": team["tham"].pk,
        "assignment": team["tham"].assignments.get().pk, "token": token.pk,
        "notification": note.pk, "job": job.pk, "lineage": lineage.pk, "person": cast.lan.pk,
        "membership": Membership.objects.get(user=cast.lan).pk, "trust_root": root,
        "claimed_identity": claimed, "confirmed_identity": confirmed,
    }  # fmt: skip
    return World(appraised, ids)


def finished_job(user: User) -> Job:
    """A report Lan asked for, made: its page, its file and its retry are hers only."""
    job = Job.objects.create(
        kind="report_build", task_path="portal.campaigns.tasks.report_build",
        params={}, subject="Báo cáo", requested_by=user, state=JobState.DONE,
        file_name="bao-cao.xlsx", file_type="application/octet-stream", file_size=3,
    )  # fmt: skip
    path = result_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"abc")
    return job


def signature_objects(cast: Cast) -> tuple[int, int, int]:
    """A trust root of Tỉnh Mẫu, Minh's certificate waiting for the office, Lan's confirmed."""
    root = TrustRoot.objects.create(
        province=cast.province,
        name="Cơ quan chứng thực thử nghiệm",
        der=b"0",
        fingerprint="0" * 64,
        subject="CN=Cơ quan chứng thực thử nghiệm",
        not_after=timezone.now() + timedelta(days=365),
        added_by=cast.quang,
    )
    identities = [
        CertificateIdentity.objects.create(
            user=user,
            fingerprint=f"{number}" * 64,
            name=str(user).upper(),
            subject=f"CN={user}",
            issuer="CN=Cơ quan chứng thực thử nghiệm",
            serial="1",
            state=state,
        ).pk
        for number, (user, state) in enumerate(
            [(cast.minh, IdentityState.PENDING), (cast.lan, IdentityState.CONFIRMED)], start=1
        )
    ]
    return root.pk, identities[0], identities[1]


def add_results(world: World, published: Campaign) -> None:
    """The report and chart URLs name Bình Định's 2023, with results and finalized, not
    published yet: who may see it is then the question. The cast holds its roles there too;
    Chính is an appraiser of it as well."""
    Campaign.objects.filter(pk=published.pk).update(state=CampaignState.FINALIZED)
    Membership.objects.create(
        user=world.appraised.chinh, province=published.province, role=Role.APPRAISER
    )
    world.ids["results"] = published.pk
    # A request to publish a correction, waiting for leadership's approval.
    world.ids["version"] = Version.objects.create(
        campaign=published,
        number=2,
        change_note="Sửa điểm một đơn vị",
        digest="0" * 64,
        requested_by=world.cast.quang,
        requested_at=timezone.now(),
    ).pk
