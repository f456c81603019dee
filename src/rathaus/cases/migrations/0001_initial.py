import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("catalog", "0001_initial"),
        ("municipalities", "0001_initial"),
        ("organisations", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Case",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                ("reference", models.CharField(max_length=40, verbose_name="reference number")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("submitted", "submitted"),
                            ("in_progress", "in progress"),
                            ("query", "query"),
                            ("decided", "decided"),
                            ("closed", "closed"),
                        ],
                        default="submitted",
                        max_length=12,
                        verbose_name="status",
                    ),
                ),
                ("status_changed_at", models.DateTimeField(verbose_name="status changed at")),
                ("opened_at", models.DateTimeField(verbose_name="opened at")),
                ("deadline", models.DateField(blank=True, null=True, verbose_name="processing deadline")),
                ("acknowledged_at", models.DateTimeField(blank=True, null=True, verbose_name="acknowledged at")),
                ("acknowledged_by", models.CharField(blank=True, max_length=200, verbose_name="acknowledged by")),
                ("closed_at", models.DateTimeField(blank=True, null=True, verbose_name="closed at")),
                (
                    "applicant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="applicant",
                    ),
                ),
                (
                    "assignee",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="assigned_cases",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="assignee",
                    ),
                ),
                (
                    "municipality",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to="municipalities.municipality",
                        verbose_name="municipality",
                    ),
                ),
                (
                    "office",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to="municipalities.office",
                        verbose_name="responsible office",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to="organisations.organisation",
                        verbose_name="on behalf of organisation",
                    ),
                ),
                (
                    "principal_user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="on behalf of person",
                    ),
                ),
                (
                    "service",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to="catalog.service",
                        verbose_name="service",
                    ),
                ),
            ],
            options={
                "verbose_name": "case",
                "verbose_name_plural": "cases",
                "ordering": ["-opened_at"],
                "indexes": [
                    models.Index(
                        fields=["municipality", "status", "opened_at", "id"],
                        name="cases_municipality_status",
                    ),
                    models.Index(
                        fields=["office", "status", "-opened_at", "-id"], name="cases_office_status"
                    ),
                    models.Index(fields=["applicant", "-opened_at"], name="cases_applicant"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("municipality", "reference"), name="cases_case_unique_ref"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="DocumentRequest",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                ("message", models.TextField(verbose_name="message")),
                ("deadline", models.DateField(verbose_name="deadline")),
                (
                    "status",
                    models.CharField(
                        choices=[("open", "open"), ("fulfilled", "fulfilled"), ("cancelled", "cancelled")],
                        default="open",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("closed_at", models.DateTimeField(blank=True, null=True, verbose_name="closed at")),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="document_requests",
                        to="cases.case",
                        verbose_name="case",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="requested by",
                    ),
                ),
            ],
            options={
                "verbose_name": "document request",
                "verbose_name_plural": "document requests",
                "ordering": ["case", "-created_at"],
            },
        ),
        migrations.CreateModel(
            name="StatusChange",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("submitted", "submitted"),
                            ("in_progress", "in progress"),
                            ("query", "query"),
                            ("decided", "decided"),
                            ("closed", "closed"),
                        ],
                        max_length=12,
                        verbose_name="status",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="note for the applicant")),
                ("actor_label", models.CharField(blank=True, max_length=200, verbose_name="changed by")),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="status_changes",
                        to="cases.case",
                        verbose_name="case",
                    ),
                ),
            ],
            options={
                "verbose_name": "status change",
                "verbose_name_plural": "status changes",
                "ordering": ["case", "created_at"],
            },
        ),
    ]
