"""The answers lose their own index on the submission: the unique index on (submission,
criterion) starts with it and finds a submission's answers, and a first save wrote 80
entries into the other for nothing (docs/decisions.md, 35).

The index is dropped by name as the database lists it, rather than by Django's AlterField,
which drops and adds again the reference's constraint (on PostgreSQL checking every answer
with the table locked) and on SQLite copies the whole table."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def _own_indexes(schema_editor: BaseDatabaseSchemaEditor, model: Any) -> list[str]:
    """The names of the plain (not unique) indexes on the submission's column alone."""
    column = model._meta.get_field("submission").column
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return [
        name
        for name, described in constraints.items()
        if described["index"]
        and not described["unique"]
        and not described["primary_key"]
        and (described["columns"] or []) == [column]
    ]


def drop_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    model = apps.get_model("assessments", "Answer")
    for name in _own_indexes(schema_editor, model):
        schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def create_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    model = apps.get_model("assessments", "Answer")
    if not _own_indexes(schema_editor, model):
        index = models.Index(fields=["submission"], name="answer_submission")
        schema_editor.add_index(model, index)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0006_answer_fillfactor"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="answer",
                    name="submission",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="answers",
                        to="assessments.submission",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_index, create_index)],
        ),
    ]
