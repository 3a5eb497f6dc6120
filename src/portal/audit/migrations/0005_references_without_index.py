"""The trail's references to people, provinces, campaigns and units lose their one-column
indexes: every reading of the log is by campaign (the `audit_where` index), and each index
is written again for every entry inserted and every entry sealed (docs/decisions.md 18).
A person's history, the one reading by what changed, gets a partial index of its own
entries, which the others never write.

The indexes are dropped by name as the database lists them, rather than by Django's
AlterField, which on SQLite copies the whole table once per field."""

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

REFERENCES = {
    "actor": settings.AUTH_USER_MODEL,
    "campaign": "campaigns.campaign",
    "province": "accounts.province",
    "unit": "units.unit",
}


def _single_column_indexes(
    schema_editor: BaseDatabaseSchemaEditor, model: Any
) -> dict[str, list[str]]:
    """{column: [index names]} of the plain (not unique) one-column indexes on the
    references' columns."""
    columns = {model._meta.get_field(name).column for name in REFERENCES}
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    found: dict[str, list[str]] = {}
    for name, described in constraints.items():
        indexed = described["columns"] or []
        if (
            described["index"]
            and not described["unique"]
            and not described["primary_key"]
            and len(indexed) == 1
            and indexed[0] in columns
        ):
            found.setdefault(indexed[0], []).append(name)
    return found


def drop_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    model = apps.get_model("audit", "AuditEntry")
    quote = schema_editor.quote_name
    for names in _single_column_indexes(schema_editor, model).values():
        for name in names:
            schema_editor.execute(f"DROP INDEX {quote(name)}")


def create_indexes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    model = apps.get_model("audit", "AuditEntry")
    present = _single_column_indexes(schema_editor, model)
    for name in REFERENCES:
        if model._meta.get_field(name).column not in present:
            index = models.Index(fields=[name], name=f"audit_ref_{name}")
            schema_editor.add_index(model, index)


def reference(to: str) -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        blank=True,
        db_constraint=False,
        db_index=False,
        null=True,
        on_delete=django.db.models.deletion.DO_NOTHING,
        related_name="+",
        to=to,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("audit", "0004_carried_entry"),
        ("campaigns", "0007_report_robustness_annex"),
        ("units", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(model_name="auditentry", name=name, field=reference(to))
                for name, to in REFERENCES.items()
            ],
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(
                condition=models.Q(("entity", "person")), fields=["entity_id"], name="audit_person"
            ),
        ),
    ]
