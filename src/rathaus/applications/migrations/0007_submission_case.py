"""Schema, step 1 of moving the lifecycle to rathaus.cases: the submission gets its case
(nullable until 0008 has filled it); the fields that move become nullable and the link of an
attachment to its document request loses its database constraint, so that each step can be
reversed with the data in place."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0006_payment_municipality"),
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="case",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="submission",
                to="cases.case",
                verbose_name="case",
            ),
        ),
        migrations.AlterField(
            model_name="submission",
            name="status_changed_at",
            field=models.DateTimeField(null=True, verbose_name="status changed at"),
        ),
        migrations.AlterField(
            model_name="attachment",
            name="document_request",
            field=models.ForeignKey(
                blank=True,
                null=True,
                db_constraint=False,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="attachments",
                to="applications.documentrequest",
                verbose_name="document request",
            ),
        ),
    ]
