"""The answers' own index on their submission dropped: the unique index on (submission,
criterion) starts with it and finds them (docs/decisions.md, 35)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0006_answer_fillfactor'),
    ]

    operations = [
        migrations.AlterField(
            model_name='answer',
            name='submission',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='assessments.submission'),
        ),
    ]
