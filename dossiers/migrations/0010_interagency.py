# Inter-agency one-stop (issue 18, docs/interagency.md): steps owned by an agency,
# dossiers whose route crosses agencies, and the hand-offs between agencies.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0009_dossier_organisation"),
        ("procedures", "0004_interagency"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="internalnote",
            name="agency",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="procedures.agency",
                verbose_name="agency",
            ),
        ),
        migrations.AddField(
            model_name="dossier",
            name="crosses_agencies",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Its route crosses several agencies (inter-agency one-stop): "
                    "each agency sees it once a step of theirs has started."
                ),
                verbose_name="inter-agency",
            ),
        ),
        migrations.AddField(
            model_name="dossierstep",
            name="agency",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="dossier_steps",
                to="procedures.agency",
                verbose_name="agency",
            ),
        ),
        migrations.AddIndex(
            model_name="dossierstep",
            index=models.Index(fields=["agency", "started_at"], name="step_agency"),
        ),
        migrations.CreateModel(
            name="AgencyTransfer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("transfer", "Inter-agency transfer"),
                            ("return", "Returned to the sending agency"),
                        ],
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                (
                    "from_position",
                    models.PositiveSmallIntegerField(verbose_name="from step"),
                ),
                (
                    "to_position",
                    models.PositiveSmallIntegerField(verbose_name="to step"),
                ),
                ("sent_at", models.DateTimeField(verbose_name="sent")),
                (
                    "due_at",
                    models.DateTimeField(
                        help_text="When the receiving agency's share of the route is due.",
                        verbose_name="due",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="note")),
                (
                    "dossier",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="agency_transfers",
                        to="dossiers.dossier",
                    ),
                ),
                (
                    "from_agency",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="procedures.agency",
                        verbose_name="from agency",
                    ),
                ),
                (
                    "log",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="agency_transfer",
                        to="dossiers.transitionlog",
                        verbose_name="transition",
                    ),
                ),
                (
                    "sent_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="sent by",
                    ),
                ),
                (
                    "to_agency",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="procedures.agency",
                        verbose_name="to agency",
                    ),
                ),
            ],
            options={
                "verbose_name": "inter-agency hand-off",
                "verbose_name_plural": "inter-agency hand-offs",
                "ordering": ["dossier", "sent_at", "id"],
                "indexes": [
                    models.Index(
                        fields=["to_agency", "sent_at"], name="transfer_to_agency"
                    )
                ],
            },
        ),
    ]
