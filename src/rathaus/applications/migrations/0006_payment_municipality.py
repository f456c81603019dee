"""Data migration: every payment of an application belongs to the municipality whose service
it pays for (the submission's municipality, else the draft's offer's)."""

from django.db import migrations


def fill(apps, schema_editor):
    Payment = apps.get_model("payments", "Payment")
    Submission = apps.get_model("applications", "Submission")
    Draft = apps.get_model("applications", "Draft")
    for payment_id, municipality_id in Submission.objects.filter(payment__isnull=False).values_list(
        "payment_id", "municipality_id"
    ):
        Payment.objects.filter(pk=payment_id, municipality__isnull=True).update(
            municipality_id=municipality_id
        )
    for payment_id, municipality_id in Draft.objects.filter(payment__isnull=False).values_list(
        "payment_id", "offer__municipality_id"
    ):
        Payment.objects.filter(pk=payment_id, municipality__isnull=True).update(
            municipality_id=municipality_id
        )


def empty(apps, schema_editor):
    Payment = apps.get_model("payments", "Payment")
    Payment.objects.update(municipality=None)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0005_notificationsent"),
        ("payments", "0003_payment_municipality"),
    ]

    operations = [migrations.RunPython(fill, empty)]
