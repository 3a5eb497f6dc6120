"""/ket-qua/<province>/<year>/[phien-ban-<n>/]datapackage.json: a Frictionless Tabular Data
Package (https://specs.frictionlessdata.io/data-package/) describing every table of the
version as a CSV resource with its schema. Its shape is checked against what the
specifications require (no network), and every resource it names is fetched."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime

import pytest
from django.test import Client

from portal.accounts.models import Membership
from portal.publication import selectors
from portal.publication.models import DEFAULT_LICENSE, DEFAULT_LICENSE_URL
from portal.publication.services import settings_save
from portal.roles import Role

PACKAGE = "/ket-qua/binh-phuoc/2024/datapackage.json"
NAME = re.compile(r"^[-a-z0-9._/]+$")  # Data Package and Data Resource `name`
FIELD_TYPES = {
    "string", "number", "integer", "boolean", "object", "array", "date", "time", "datetime",
    "year", "yearmonth", "duration", "geopoint", "geojson", "any",
}  # fmt: skip


def check_package(package: dict) -> None:
    """What the Data Package, Data Resource, Tabular Data Resource and Table Schema
    specifications (v1) require of a descriptor."""
    assert NAME.match(package["name"])
    assert isinstance(package["version"], str)
    datetime.fromisoformat(package["created"])  # RFC 3339
    licenses = package["licenses"]
    assert licenses and all("name" in found or "path" in found for found in licenses)
    assert all(source["title"] for source in package["sources"])
    resources = package["resources"]
    assert isinstance(resources, list) and resources  # REQUIRED, at least one
    names = [resource["name"] for resource in resources]
    assert len(set(names)) == len(names)
    for resource in resources:
        assert NAME.match(resource["name"])
        assert "path" in resource or "data" in resource
        assert resource["path"].startswith("http")  # a URL: fully qualified, never "/..."
        assert resource["profile"] == "tabular-data-resource"
        fields = resource["schema"]["fields"]
        assert fields and all(field["name"] for field in fields)
        assert all(field["type"] in FIELD_TYPES for field in fields)
        field_names = [field["name"] for field in fields]
        assert len(set(field_names)) == len(field_names)
        assert set(resource["schema"]["primaryKey"]) <= set(field_names)


@pytest.mark.django_db
def test_the_package_describes_every_table_of_the_version(demo, settings):
    settings.DTI_SITE_URL = "https://dti.example.vn"
    response = Client().get(PACKAGE)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    package = json.loads(response.content)
    check_package(package)
    assert package["name"] == "binh-phuoc-2024"
    assert package["version"] == "1"
    assert package["homepage"] == "https://dti.example.vn/ket-qua/binh-phuoc/2024/phien-ban-1/"
    version = selectors.version_at("binh-phuoc", 2024)
    assert package["created"] == version.published_at.isoformat()
    expected = [
        (level.level, ref.key)
        for level in selectors.levels_of(version)
        for ref in selectors.tables_of(level, selectors.framework_of(level))
    ]
    assert [r["name"] for r in package["resources"]] == [f"{lv}-{key}" for lv, key in expected]
    general = package["resources"][0]
    assert general["path"] == (
        "https://dti.example.vn/ket-qua/binh-phuoc/2024/phien-ban-1/so/tong-the.csv"
    )
    assert (general["format"], general["mediatype"], general["encoding"]) == (
        "csv",
        "text/csv",
        "utf-8-sig",
    )
    fields = {field["name"]: field for field in general["schema"]["fields"]}
    assert general["schema"]["primaryKey"] == ["unit_code"]
    assert fields["rank"]["type"] == fields["change"]["type"] == "integer"
    assert fields["total"]["type"] == fields["index:nhan_thuc_so"]["type"] == "number"
    assert fields["unit"]["type"] == fields["class"]["type"] == "string"
    assert fields["index:nhan_thuc_so"]["title"] == "Nhận thức số (50)"
    assert all(field["description"] for field in fields.values())


@pytest.mark.django_db
def test_every_resource_is_there_with_the_columns_its_schema_names(demo, settings):
    settings.DTI_SITE_URL = "https://dti.example.vn/"
    client = Client()
    package = json.loads(client.get(PACKAGE).content)
    for resource in package["resources"]:
        path = resource["path"].removeprefix("https://dti.example.vn")
        response = client.get(path)
        assert response.status_code == 200, path
        lines = list(csv.reader(io.StringIO(response.content.decode(resource["encoding"]))))
        assert lines[0] == [field["name"] for field in resource["schema"]["fields"]]
        codes = [line[1] for line in lines[1:]]
        assert len(set(codes)) == len(codes)  # the primary key is one


@pytest.mark.django_db
def test_license_and_citation_default_to_cc_by_and_the_province_and_year(demo):
    package = json.loads(Client().get("/ket-qua/binh-dinh/2023/datapackage.json").content)
    assert package["licenses"] == [
        {
            "name": DEFAULT_LICENSE,
            "path": DEFAULT_LICENSE_URL,
            "title": "Creative Commons Attribution 4.0 International",
        }
    ]
    assert package["citation"] == "Bình Định, Kết quả đánh giá chuyển đổi số năm 2023"
    assert package["title"] == package["citation"]


@pytest.mark.django_db
def test_the_provinces_license_and_citation_are_used_once_it_chose_them(demo):
    version = selectors.version_at("binh-dinh", 2023)
    office = (
        Membership.objects.filter(province__code="binh-dinh", role=Role.OFFICE_ADMIN).first().user
    )
    client = Client()
    before = json.loads(client.get("/ket-qua/binh-dinh/2023/datapackage.json").content)
    settings_save(
        campaign=version.campaign,
        user=office,
        approval_required=False,
        license_name="ODC-BY-1.0",
        license_url="https://opendatacommons.org/licenses/by/1-0/",
        citation="Sở TT&TT Bình Định (2024), Chỉ số DTI 2023",
    )
    package = json.loads(client.get("/ket-qua/binh-dinh/2023/datapackage.json").content)
    assert package["licenses"][0]["name"] == "ODC-BY-1.0"
    assert package["licenses"][0]["path"] == "https://opendatacommons.org/licenses/by/1-0/"
    assert package["citation"] == "Sở TT&TT Bình Định (2024), Chỉ số DTI 2023"
    assert before["citation"] != package["citation"]
    table = json.loads(client.get("/ket-qua/binh-dinh/2023/so/tong-the.json").content)
    assert table["citation"] == package["citation"]
