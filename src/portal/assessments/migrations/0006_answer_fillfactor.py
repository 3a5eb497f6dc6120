"""The answers' pages on PostgreSQL kept half empty (fillfactor 50), so that a save's new
versions of its rows are written on their own page, without a new entry in each of the
table's indexes (a heap-only update). docs/decisions.md, "The answers' pages kept half
empty". SQLite has no such setting: nothing is done there."""

from collections.abc import Callable
from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

FILLFACTOR = 50


def _altered(to: str) -> Callable[[Any, BaseDatabaseSchemaEditor], None]:
    def run(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(apps.get_model("assessments", "Answer")._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} {to}")

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0005_evidence_signature"),
    ]

    operations = [
        migrations.RunPython(
            _altered(f"SET (fillfactor = {FILLFACTOR})"), _altered("RESET (fillfactor)")
        ),
    ]
