"""Schema, step 3: the submission keeps no status of its own; history and document requests
live in rathaus.cases (moved by 0008); an attachment answers a cases.DocumentRequest."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0008_cases_from_submissions"),
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="attachment",
            name="document_request",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="attachments",
                to="cases.documentrequest",
                verbose_name="document request",
            ),
        ),
        migrations.AlterField(
            model_name="submission",
            name="case",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="submission",
                to="cases.case",
                verbose_name="case",
            ),
        ),
        migrations.RemoveIndex(model_name="submission", name="application_office__2b870f_idx"),
        migrations.RemoveField(model_name="submission", name="status"),
        migrations.RemoveField(model_name="submission", name="status_changed_at"),
        migrations.RemoveField(model_name="submission", name="acknowledged_at"),
        migrations.RemoveField(model_name="submission", name="acknowledged_by"),
        migrations.DeleteModel(name="StatusChange"),
        migrations.DeleteModel(name="DocumentRequest"),
    ]
