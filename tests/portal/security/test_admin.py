"""The admin is for looking only: every change goes through the portal's pages and services,
which check the workflow and write the audit trail. A new admin class that could add, change
or delete fails here unless it is read-only."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from portal.accounts.models import User
from portal.campaigns.models import Campaign
from tests.portal.conftest import Cast

# Models registered in the admin from outside the portal that may be written there, each
# with its reason. Empty: none may.
WRITABLE_OUTSIDE_THE_PORTAL: dict[str, str] = {}


@pytest.fixture
def superuser(db: None) -> User:
    return User.objects.create_superuser("root", "root@example.vn", "mat-khau-quan-tri-2025")


def registered() -> list[tuple[str, admin.ModelAdmin]]:  # type: ignore[type-arg]
    return [
        (model._meta.label, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.label not in WRITABLE_OUTSIDE_THE_PORTAL
    ]


def writes(part: admin.options.BaseModelAdmin, request, *, inline: bool) -> list[str]:  # type: ignore[no-untyped-def,type-arg]
    add = part.has_add_permission(request, None) if inline else part.has_add_permission(request)  # type: ignore[call-arg]
    change, delete = part.has_change_permission(request), part.has_delete_permission(request)
    return [
        verb for verb, allowed in (("add", add), ("change", change), ("delete", delete)) if allowed
    ]


def test_every_registered_model_refuses_add_change_and_delete_to_a_superuser(superuser):
    request = RequestFactory().get("/quan-tri/")
    request.user = superuser
    models = registered()
    labels = {label for label, _ in models}
    assert {"accounts.User", "campaigns.Campaign", "campaigns.CampaignUnit", "units.Unit"} <= labels
    assert {"campaigns.HistoricResult", "auth.Group"} <= labels
    writable = {}
    for label, model_admin in models:
        assert model_admin.has_view_permission(request), label
        writable[label] = writes(model_admin, request, inline=False)
        for inline_class in model_admin.inlines:
            inline = inline_class(model_admin.model, admin.site)
            writable[f"{label} / {inline.model._meta.label}"] = writes(inline, request, inline=True)
    assert {name: verbs for name, verbs in writable.items() if verbs} == {}


def test_a_superuser_reads_a_campaign_in_the_admin_but_cannot_save_it(cast: Cast, superuser):
    client = cast.client(superuser)
    path = f"/quan-tri/campaigns/campaign/{cast.campaign.pk}/change/"
    page = client.get(path)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    state = cast.campaign.state
    refused = client.post(path, {"title": "Đổi tên", "state": "published", "year": 2025})
    assert refused.status_code == 403
    cast.campaign.refresh_from_db()
    assert (cast.campaign.title, cast.campaign.state) == ("Đánh giá chuyển đổi số năm 2025", state)
    assert client.post("/quan-tri/campaigns/campaign/add/", {}).status_code == 403
    delete = f"/quan-tri/campaigns/campaign/{cast.campaign.pk}/delete/"
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Campaign.objects.filter(pk=cast.campaign.pk).exists()


def test_every_list_and_a_person_read_in_the_admin(cast: Cast, superuser):
    client = cast.client(superuser)
    for model in admin.site._registry:
        meta = model._meta
        page = client.get(f"/quan-tri/{meta.app_label}/{meta.model_name}/")
        assert page.status_code == 200, meta.label
    person = client.get(f"/quan-tri/accounts/user/{cast.lan.pk}/change/")
    assert person.status_code == 200
    assert 'name="_save"' not in person.content.decode()


def test_no_admin_offers_a_bulk_action(superuser):
    """Actions write too: django-axes registers a clean-up of sign-in records."""
    request = RequestFactory().get("/quan-tri/")
    request.user = superuser
    offered = {label: list(model_admin.get_actions(request)) for label, model_admin in registered()}
    assert {label: actions for label, actions in offered.items() if actions} == {}
