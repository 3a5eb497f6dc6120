"""The permission matrix: for every URL of the portal, how to reach it in the scenario
(scenario.py) and what each role of the cast gets. Read it as the policy:

- anonymous visitors are sent to the login page, except on the pages made for them (the
  home page, the login page, published campaigns), on a campaign not published yet (404:
  they learn nothing of it) and in the API, which answers 401 where a session is needed;
- Khoa, office admin of another province, sees nothing of Tỉnh Mẫu: 404 on all of it (the
  lists and registries answer him with his own province's);
- Thảo, reporter of Sở Tư pháp, sees the province's pages but nothing of Sở Nội vụ's own
  (its self-assessment, results, sheets, log): 404;
- a role of the province that may read but not write gets 403 on the write;
- Chính chairs the campaign's appraisal team (he is no one else in the cast; he comes with
  the appraisal scenario): the round moves and finalization are his alone.

The sources of truth are the per-view tests in tests/portal/** and docs/portal.md; a cell
that disagrees with them is marked `# FINDING:` with what the view really answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tests.portal.permissions.scenario import ROLES

# An outcome is one of these words, or an exact status where the view's contract is exact.
LOGIN = "LOGIN"  # 302 to the login page
OK = "OK"  # served: 200, 302 elsewhere than the login page, 400 (a form error) or 409
FORBIDDEN = "FORBIDDEN"  # 403
NOT_FOUND = "NOT_FOUND"  # 404
UNAUTHORIZED = "UNAUTHORIZED"  # 401, the API
Outcome = str | int


def policy(default: Outcome, **cells: Outcome) -> dict[str, Outcome]:
    """Every role's outcome: `default`, but for the roles named."""
    unknown = set(cells) - set(ROLES)
    assert not unknown, f"no such role: {unknown}"
    return {role: cells.get(role, default) for role in ROLES}


PAGE = ("GET",)
FORM = ("GET", "POST")  # a form page, and its empty submission
ACTION = ("POST",)


@dataclass(frozen=True)
class Entry:
    expect: Mapping[str, Outcome]
    args: Mapping[str, str] = field(default_factory=dict)  # URL argument -> scenario object
    fixed: Mapping[str, str] = field(default_factory=dict)  # URL argument -> literal value
    methods: tuple[str, ...] = PAGE
    data: Mapping[str, object] = field(default_factory=dict)  # what a POST sends
    query: str = ""
    json: bool = False  # the POST body is `data` as JSON


# Everyone, signed in or not.
PUBLIC = policy(OK)
# Any signed-in person: the page lists what is theirs (their provinces, units, to-do).
SIGNED_IN = policy(OK, anonymous=LOGIN)
# The province's pages: every role of Tỉnh Mẫu reads them.
PROVINCE = policy(OK, anonymous=LOGIN, khoa=NOT_FOUND)
# The office admin's pages and actions; the province's other roles are refused.
OFFICE = policy(FORBIDDEN, anonymous=LOGIN, khoa=NOT_FOUND, quang=OK)
# Sở Nội vụ's own pages: its reporter and approver, and whoever reads every unit of the
# province (appraisers, leadership, the office admin).
UNIT = policy(OK, anonymous=LOGIN, thao=NOT_FOUND, khoa=NOT_FOUND)
# Sở Nội vụ's writes: one role of the unit; the unit's other readers are refused.
REPORTER = policy(FORBIDDEN, anonymous=LOGIN, thao=NOT_FOUND, khoa=NOT_FOUND, lan=OK)
APPROVER = {**REPORTER, "lan": FORBIDDEN, "minh": OK}
UNIT_REOPEN = {**REPORTER, "lan": FORBIDDEN, "quang": OK}  # reopening what was approved
# The appraisal team's pages: the team, the province's appraisers, leadership and office
# admin read them; the units' people are refused (they see their results elsewhere).
TEAM = policy(OK, anonymous=LOGIN, khoa=NOT_FOUND, lan=FORBIDDEN, minh=FORBIDDEN, thao=FORBIDDEN)
# The team's view of Sở Nội vụ: as TEAM, but Thảo learns nothing of another unit.
TEAM_UNIT = {**TEAM, "thao": NOT_FOUND}
# The office admin manages the team and the final round: the team's readers are refused.
TEAM_OFFICE = {**TEAM, "hung": FORBIDDEN, "hoa": FORBIDDEN, "chinh": FORBIDDEN, "quang": OK}
# The chair moves the rounds and finalizes; not even the office admin may.
CHAIR = {**TEAM_OFFICE, "quang": FORBIDDEN, "chinh": OK}
# Saving the sheet of the round being scored: the team's members (Hùng, Chính); which
# criteria each may score is checked criterion by criterion, by the service.
SCORER = {**TEAM_UNIT, "hoa": FORBIDDEN, "quang": FORBIDDEN}
# What only the province's appraisers, leadership and office admin read.
READERS = policy(FORBIDDEN, anonymous=LOGIN, khoa=NOT_FOUND, hung=OK, hoa=OK, quang=OK, chinh=OK)
# A report: the office admin and leadership; before publication outsiders and anonymous
# visitors learn nothing (404, not the login page: the campaign is not theirs to know of).
REPORT = policy(FORBIDDEN, anonymous=NOT_FOUND, khoa=NOT_FOUND, hoa=OK, quang=OK)
# A campaign not yet published: its members read it; anyone else learns nothing.
CAMPAIGN = policy(OK, anonymous=NOT_FOUND, khoa=NOT_FOUND)
# One person's own (Lan's notification): anyone else learns nothing.
OWNER = policy(NOT_FOUND, anonymous=LOGIN, lan=OK)
# The API: JSON with exact statuses; a session that may not see an object gets 404.
API_PUBLIC = policy(200)
API_CAMPAIGN = policy(200, anonymous=404, khoa=404)
API_MEMBERS = policy(200, anonymous=UNAUTHORIZED, khoa=404)
API_UNIT = policy(200, anonymous=UNAUTHORIZED, thao=404, khoa=404)

_CAMPAIGN = {"pk": "campaign"}
_ENTRY = {"pk": "campaign_unit"}
_PROVINCE = {"province": "province"}
_FRAMEWORK = {"pk": "framework"}
_RESULTS = {"pk": "results"}  # the campaign with results (finalized, not yet published)

SITE: dict[str, Entry] = {
    "home": Entry(PUBLIC),
    "healthz": Entry(PUBLIC),
    "set_language": Entry(PUBLIC, methods=ACTION, data={"language": "vi"}),
    # A signed-in person is sent on from the login page; everyone may sign out.
    "accounts:login": Entry(PUBLIC, methods=FORM),
    "accounts:logout": Entry(PUBLIC, methods=ACTION),
}

# One's own account: its page, the second factor, the password. The cast's sessions are
# signed in as the login page leaves them, second factor passed where the role needs one.
ACCOUNTS: dict[str, Entry] = {
    "accounts:account": Entry(SIGNED_IN),
    "accounts:second_factor_verify": Entry(SIGNED_IN, methods=FORM),
    "accounts:second_factor_enrol": Entry(SIGNED_IN, methods=FORM),
    "accounts:recovery_codes_renew": Entry(SIGNED_IN, methods=ACTION),
    "accounts:password_change": Entry(SIGNED_IN, methods=FORM),
    # Resetting a forgotten password is for people who cannot sign in.
    "accounts:password_reset": Entry(PUBLIC, methods=FORM),
    "accounts:password_reset_done": Entry(PUBLIC),
    "accounts:password_reset_confirm": Entry(
        PUBLIC, fixed={"uidb64": "MQ", "token": "sai-ma"}, methods=FORM
    ),
    "accounts:password_reset_complete": Entry(PUBLIC),
    "accounts:profile": Entry(SIGNED_IN, methods=FORM),
}

# The office's people pages (docs/portal-people.md): the lists answer an office admin with
# his own province's people (Khoa included); a person of Tỉnh Mẫu (Lan) is 404 to Khoa.
_PEOPLE_LISTS = {**OFFICE, "khoa": OK}
_PERSON = {"pk": "person"}
PEOPLE: dict[str, Entry] = {
    "accounts:people": Entry(_PEOPLE_LISTS),
    "accounts:people_roles": Entry(_PEOPLE_LISTS),
    "accounts:person_create": Entry(_PEOPLE_LISTS, methods=FORM),
    "accounts:people_import": Entry(_PEOPLE_LISTS, methods=FORM),
    "accounts:people_template": Entry(_PEOPLE_LISTS),
    "accounts:person": Entry(OFFICE, _PERSON),
    "accounts:person_role_assign": Entry(OFFICE, _PERSON, methods=ACTION),
    "accounts:person_role_withdraw": Entry(
        OFFICE, {**_PERSON, "membership_id": "membership"}, methods=FORM
    ),
    "accounts:person_activity": Entry(OFFICE, _PERSON, methods=FORM),
    "accounts:person_invite": Entry(OFFICE, _PERSON, methods=ACTION),
}

UNITS: dict[str, Entry] = {
    "units:registry": Entry(SIGNED_IN),  # the registries of one's own provinces
    "units:detail": Entry(PROVINCE, {"pk": "unit"}),
    "units:edit": Entry(OFFICE, {"pk": "unit"}, methods=FORM),
    "units:create": Entry(OFFICE, _PROVINCE, methods=FORM),
    "units:export": Entry(PROVINCE, _PROVINCE),
    "units:import": Entry(OFFICE, _PROVINCE, methods=FORM),
    "units:lineage_create": Entry(OFFICE, _PROVINCE, methods=FORM),
    "units:lineage_delete": Entry(OFFICE, {"pk": "lineage"}, methods=ACTION),
}

FRAMEWORKS: dict[str, Entry] = {
    "frameworks:index": Entry(SIGNED_IN),
    "frameworks:blank_template": Entry(SIGNED_IN),
    "frameworks:detail": Entry(PROVINCE, _FRAMEWORK),
    "frameworks:download_yaml": Entry(PROVINCE, _FRAMEWORK),
    "frameworks:download_xlsx": Entry(PROVINCE, _FRAMEWORK),
    "frameworks:clone": Entry(OFFICE, _FRAMEWORK, methods=FORM),
    "frameworks:edit": Entry(OFFICE, _FRAMEWORK, methods=FORM),  # in use: sent to its page
    "frameworks:delete": Entry(OFFICE, _FRAMEWORK, methods=FORM),
    "frameworks:import_yaml": Entry(OFFICE, _PROVINCE, methods=FORM),
    "frameworks:import_xlsx": Entry(OFFICE, _PROVINCE, methods=FORM),
}

# Creating a campaign or importing a published one is for office admins of any province
# (Khoa creates in his own); the form offers only one's own provinces.
ANY_OFFICE = policy(FORBIDDEN, anonymous=LOGIN, quang=OK, khoa=OK)

CAMPAIGNS: dict[str, Entry] = {
    "campaigns:list": Entry(PUBLIC),  # one's own provinces' campaigns, and the published
    "campaigns:create": Entry(ANY_OFFICE, methods=FORM),
    "campaigns:historic_import": Entry(ANY_OFFICE, methods=FORM),
    "campaigns:detail": Entry(CAMPAIGN, _CAMPAIGN),
    "campaigns:edit": Entry(OFFICE, _CAMPAIGN, methods=FORM),
    "campaigns:level_add": Entry(OFFICE, _CAMPAIGN, methods=FORM),
    "campaigns:units_add": Entry(OFFICE, _CAMPAIGN, methods=FORM),
    "campaigns:unit_remove": Entry(
        OFFICE, {**_CAMPAIGN, "campaign_unit_pk": "campaign_unit"}, methods=ACTION
    ),
    "campaigns:extend": Entry(OFFICE, _CAMPAIGN, methods=FORM),
    "campaigns:round_set": Entry(OFFICE, _CAMPAIGN, methods=FORM),
    "campaigns:transition": Entry(
        OFFICE, _CAMPAIGN, methods=ACTION, data={"action": "close_self_assessment"}
    ),
    "campaigns:report": Entry(REPORT, _RESULTS, fixed={"fmt": "xlsx"}, methods=ACTION),
    "campaigns:report_texts": Entry(OFFICE, _CAMPAIGN, methods=FORM),
    "campaigns:report_template": Entry(OFFICE, _CAMPAIGN, methods=ACTION),
    "campaigns:report_template_delete": Entry(OFFICE, _CAMPAIGN, methods=ACTION),
    "campaigns:chart": Entry(CAMPAIGN, _RESULTS, fixed={"level": "so", "kind": "classes"}),
}

_EVIDENCE = {**_ENTRY, "evidence_pk": "evidence"}
_CRITERION = {**_ENTRY, "criterion": "criterion"}

ASSESSMENTS: dict[str, Entry] = {
    "assessments:mine": Entry(SIGNED_IN),
    "assessments:form": Entry(UNIT, _ENTRY),
    "assessments:status": Entry(UNIT, _ENTRY),
    "assessments:score": Entry(UNIT, _ENTRY, methods=ACTION),  # the live score: a read
    "assessments:save": Entry(REPORTER, _ENTRY, methods=ACTION),
    "assessments:submit": Entry(REPORTER, _ENTRY, methods=ACTION),
    "assessments:approve": Entry(APPROVER, _ENTRY, methods=ACTION),
    "assessments:return": Entry(APPROVER, _ENTRY, methods=ACTION),
    "assessments:reopen": Entry(UNIT_REOPEN, _ENTRY, methods=ACTION),
    # the submission as a PDF to sign, and the signed one kept with its approval
    "assessments:document": Entry(UNIT, _ENTRY),
    "assessments:signed_copy": Entry(UNIT, _ENTRY),
    "assessments:evidence_upload": Entry(REPORTER, _CRITERION, methods=ACTION),
    "assessments:evidence_link": Entry(REPORTER, _CRITERION, methods=ACTION),
    "assessments:evidence_delete": Entry(REPORTER, _EVIDENCE, methods=ACTION),
    "assessments:evidence_download": Entry(UNIT, _EVIDENCE),
    # the office's actions on several units of a campaign, from its progress table
    "assessments:progress_bulk": Entry(OFFICE, _CAMPAIGN, methods=ACTION),
    "assessments:progress_export": Entry(OFFICE, _CAMPAIGN, fixed={"fmt": "xlsx"}),
    # the office checks the campaign's signed evidence again after adding a trust root
    "assessments:evidence_signatures_recheck": Entry(OFFICE, _CAMPAIGN, methods=ACTION),
}

_ROUND = {**_ENTRY, "number": "returned_round", "code": "criterion"}
_SHEET = {**_ENTRY, "number": "scoring_round"}
_MEMBER = {**_CAMPAIGN, "member_pk": "member"}

APPRAISALS: dict[str, Entry] = {
    "appraisals:todo": Entry(SIGNED_IN),
    # The unit's side: results returned to Sở Nội vụ, and its responses in round 1.
    "appraisals:unit_results": Entry(UNIT, _ENTRY),
    "appraisals:compare": Entry(UNIT, _ENTRY),
    "appraisals:unit_respond": Entry(
        REPORTER, {**_ENTRY, "number": "returned_round"}, methods=ACTION
    ),
    "appraisals:unit_evidence_upload": Entry(REPORTER, _ROUND, methods=ACTION),
    "appraisals:unit_evidence_link": Entry(REPORTER, _ROUND, methods=ACTION),
    "appraisals:unit_evidence_delete": Entry(
        REPORTER,
        {**_ENTRY, "number": "returned_round", "evidence_pk": "supplement"},
        methods=ACTION,
    ),
    # The team's side.
    "appraisals:dashboard": Entry(TEAM, _CAMPAIGN),
    "appraisals:round_move": Entry(
        CHAIR, _CAMPAIGN, methods=ACTION, data={"action": "open_round", "number": "3"}
    ),
    "appraisals:round_final": Entry(
        TEAM_OFFICE, _CAMPAIGN, methods=ACTION, data={"number": "3", "final": "1"}
    ),
    "appraisals:finalize": Entry(CHAIR, _CAMPAIGN, methods=ACTION),
    "appraisals:team": Entry(TEAM, _CAMPAIGN),
    "appraisals:member_add": Entry(TEAM_OFFICE, _CAMPAIGN, methods=ACTION),
    "appraisals:member_remove": Entry(TEAM_OFFICE, _MEMBER, methods=ACTION),
    "appraisals:chair_set": Entry(TEAM_OFFICE, _MEMBER, methods=ACTION),
    "appraisals:assignment_add": Entry(TEAM_OFFICE, _CAMPAIGN, methods=ACTION),
    "appraisals:assignment_remove": Entry(
        TEAM_OFFICE, {**_CAMPAIGN, "assignment_pk": "assignment"}, methods=ACTION
    ),
    "appraisals:sheet": Entry(TEAM_UNIT, _SHEET),
    "appraisals:sheet_score": Entry(TEAM_UNIT, _SHEET, methods=ACTION),  # the live score
    "appraisals:sheet_save": Entry(SCORER, _SHEET, methods=ACTION),
    "appraisals:evidence_download": Entry(TEAM_UNIT, _EVIDENCE),
}

_TOKENS = {"province_id": "province_id"}

INDICATORS: dict[str, Entry] = {
    "indicators:index": Entry(SIGNED_IN),
    "indicators:campaign": Entry(READERS, {"campaign_id": "campaign"}),
    "indicators:upload": Entry(OFFICE, {"campaign_id": "campaign"}, methods=ACTION),
    "indicators:tokens": Entry(OFFICE, _TOKENS),
    "indicators:token_create": Entry(OFFICE, _TOKENS, methods=ACTION),
    "indicators:token_revoke": Entry(OFFICE, {**_TOKENS, "token_id": "token"}, methods=ACTION),
}

NOTIFICATIONS: dict[str, Entry] = {
    "notifications:inbox": Entry(SIGNED_IN),
    "notifications:read_all": Entry(SIGNED_IN, methods=ACTION),  # one's own, all of them
    "notifications:settings": Entry(SIGNED_IN, methods=FORM, data={"email_frequency": "daily"}),
    "notifications:read": Entry(OWNER, {"pk": "notification"}, methods=ACTION),
    "notifications:open": Entry(OWNER, {"pk": "notification"}),
}

# One's jobs (a report, an export, a check): the list is one's own; a job, its file and its
# retry are its owner's only (Lan's), and anyone else learns nothing of it.
JOBS: dict[str, Entry] = {
    "jobs:list": Entry(SIGNED_IN),
    "jobs:job": Entry(OWNER, {"pk": "job"}),
    "jobs:file": Entry(OWNER, {"pk": "job"}),
    "jobs:retry": Entry(OWNER, {"pk": "job"}, methods=ACTION),
}

_LOG = {"campaign_id": "campaign"}
_UNIT_LOG = {**_LOG, "unit_id": "unit"}

AUDIT: dict[str, Entry] = {
    # The campaign's log: every role of the province, each reading its own part of it.
    "audit:campaign": Entry(PROVINCE, _LOG),
    "audit:export": Entry(PROVINCE, _LOG, fixed={"fmt": "csv"}),
    "audit:export_xlsx": Entry(PROVINCE, _LOG, methods=ACTION),
    "audit:check": Entry(OFFICE, _LOG, methods=ACTION),
    "audit:unit": Entry(UNIT, _UNIT_LOG),
    "audit:criterion": Entry(UNIT, {**_UNIT_LOG, "code": "criterion"}),
}

API: dict[str, Entry] = {
    "api:v1:api-root": Entry(policy(404)),  # no docs page: nothing may load from outside
    "api:v1:openapi-json": Entry(API_PUBLIC),
    "api:v1:campaigns": Entry(API_PUBLIC),  # one's own provinces', or the published
    "api:v1:campaign": Entry(API_CAMPAIGN, {"campaign_id": "campaign"}),
    "api:v1:campaign_units": Entry(API_CAMPAIGN, {"campaign_id": "campaign"}),
    "api:v1:units": Entry(API_MEMBERS, query="province=tinh-mau"),
    "api:v1:framework": Entry(API_CAMPAIGN, {"framework_id": "framework"}),
    "api:v1:answers": Entry(API_UNIT, {"campaign_unit_id": "campaign_unit"}),
    # Pushing takes another system's token, never a person's session.
    "api:v1:indicators_push": Entry(
        policy(UNAUTHORIZED), methods=ACTION, json=True, data={"campaign": 0, "values": []}
    ),
}

# Publishing: the office publishes and corrects, leadership approves; both read the page.
PUBLISHING = policy(FORBIDDEN, anonymous=LOGIN, khoa=NOT_FOUND, hoa=OK, quang=OK)
LEADERSHIP = policy(FORBIDDEN, anonymous=LOGIN, khoa=NOT_FOUND, hoa=OK)
_VERSION = {"version_pk": "version"}

PUBLICATION: dict[str, Entry] = {
    "publication:manage": Entry(PUBLISHING, _RESULTS),
    "publication:publish": Entry(OFFICE, _RESULTS, methods=ACTION),
    "publication:correct": Entry(OFFICE, _RESULTS),
    "publication:settings": Entry(OFFICE, _RESULTS, methods=FORM),
    "publication:approve": Entry(LEADERSHIP, _VERSION, methods=ACTION),
    "publication:refuse": Entry(LEADERSHIP, _VERSION, methods=ACTION),
    # The signed report: of a published version only; the scenario's version awaits approval,
    # so those who may read (or, for the upload, act) get 404 (tests/portal/publication/
    # test_signed_report.py reaches a published one).
    "publication:to_sign": Entry(PUBLISHING | {"hoa": NOT_FOUND, "quang": NOT_FOUND}, _VERSION),
    "publication:signed": Entry(OFFICE | {"quang": NOT_FOUND}, _VERSION, methods=ACTION),
}

# Open data (docs/portal-open-data.md): the same for everyone, signed in or not. Tỉnh Mẫu
# has published nothing in the scenario, so its files and API answers are 404 for every role.
_UNPUBLISHED = {"province": "tinh-mau", "year": "2025"}
OPEN_DATA: dict[str, Entry] = {
    "public:table_file": Entry(
        policy(NOT_FOUND), fixed={**_UNPUBLISHED, "level": "so", "table": "tong-the", "fmt": "csv"}
    ),
    "public:datapackage": Entry(policy(NOT_FOUND), fixed=_UNPUBLISHED),
    "public:report": Entry(policy(NOT_FOUND), fixed={**_UNPUBLISHED, "fmt": "docx"}),
    "sitemap": Entry(PUBLIC),
    "sitemap_landing": Entry(PUBLIC),
    "sitemap_province": Entry(policy(NOT_FOUND), fixed={"province": "tinh-mau"}),
    "robots": Entry(PUBLIC),
    "api:v1:public_provinces": Entry(API_PUBLIC),
    "api:v1:public_versions": Entry(policy(404), fixed={"province": "tinh-mau"}),
    "api:v1:public_levels": Entry(policy(404), fixed=_UNPUBLISHED),
    "api:v1:public_table": Entry(
        policy(404), fixed={**_UNPUBLISHED, "level": "so", "key": "tong-the"}
    ),
    "api:v1:public_unit_history": Entry(
        policy(404), fixed={"province": "tinh-mau", "unit": "so-noi-vu"}
    ),
}

# The public results pages (docs/portal-public.md): the same for everyone, signed in or not;
# Tỉnh Mẫu's unpublished 2025 campaign answers 404 on every page of a version, to every role.
_LEVEL = {**_UNPUBLISHED, "level": "so"}
PUBLIC_PAGES: dict[str, Entry] = {
    "public:landing": Entry(PUBLIC),
    "public:search": Entry(PUBLIC, query="q=so+noi+vu"),
    "public:province": Entry(policy(NOT_FOUND), fixed={"province": "tinh-mau"}),
    "public:version": Entry(policy(NOT_FOUND), fixed=_UNPUBLISHED),
    "public:methodology": Entry(policy(NOT_FOUND), fixed=_UNPUBLISHED),
    "public:corrections": Entry(policy(NOT_FOUND), fixed=_UNPUBLISHED),
    "public:ranking": Entry(policy(NOT_FOUND), fixed=_LEVEL),
    "public:table": Entry(policy(NOT_FOUND), fixed={**_LEVEL, "table": "tong-the"}),
    "public:compare": Entry(policy(NOT_FOUND), fixed=_LEVEL),
    "public:unit": Entry(policy(NOT_FOUND), fixed={**_LEVEL, "unit": "so-noi-vu"}),
}

# The office's signature page (docs/signatures.md): the office admin writes, leadership
# reads; the index answers an office admin with his own province's page (Khoa included).
_SIGNATURES = policy(FORBIDDEN, anonymous=LOGIN, khoa=NOT_FOUND, hoa=OK, quang=OK)
_IN_PROVINCE = {"province": "province"}
SIGNATURES: dict[str, Entry] = {
    "signatures:index": Entry({**_SIGNATURES, "khoa": OK}),
    "signatures:province": Entry(_SIGNATURES, _IN_PROVINCE),
    "signatures:settings": Entry(OFFICE, _IN_PROVINCE, methods=ACTION),
    "signatures:root_add": Entry(OFFICE, _IN_PROVINCE, methods=ACTION),
    "signatures:root_remove": Entry(OFFICE, {**_IN_PROVINCE, "pk": "trust_root"}, methods=ACTION),
    "signatures:identity_confirm": Entry(
        OFFICE, {**_IN_PROVINCE, "pk": "claimed_identity"}, methods=ACTION
    ),
    "signatures:identity_refuse": Entry(
        OFFICE, {**_IN_PROVINCE, "pk": "claimed_identity"}, methods=ACTION
    ),
    "signatures:identity_revoke": Entry(
        OFFICE, {**_IN_PROVINCE, "pk": "confirmed_identity"}, methods=ACTION
    ),
}

# Analysis: read by those who download the campaign's report (office and leadership).
ANALYSIS: dict[str, Entry] = {
    "analysis:overview": Entry(PUBLISHING, _RESULTS),
    "analysis:robustness": Entry(PUBLISHING, _RESULTS, query="?so_lan=100"),
    "analysis:what_if": Entry(PUBLISHING, _RESULTS),
    "analysis:past": Entry(PUBLISHING, _RESULTS),
    "analysis:plan": Entry(PUBLISHING, _RESULTS, fixed={"unit": "so-noi-vu"}),
}

MATRIX: dict[str, Entry] = {
    **SITE, **ACCOUNTS, **PEOPLE, **UNITS, **FRAMEWORKS, **CAMPAIGNS, **ASSESSMENTS, **APPRAISALS,
    **INDICATORS, **NOTIFICATIONS, **JOBS, **AUDIT, **API, **PUBLICATION, **OPEN_DATA, **PUBLIC_PAGES,
    **SIGNATURES, **ANALYSIS,
}  # fmt: skip
