"""The group's rules (docs/interagency.md): the group's own channels, papers a
linked result provides, one notice per group file and batch; and the online
drafts of group children marked as such, so they are submitted only with their
group."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def mark_group_drafts(apps, schema_editor):
    """A draft child of a group filed online records its group in its snapshot
    (new drafts do from their creation), so ``dossier_submit`` refuses it alone."""
    GroupChild = apps.get_model("procedure_groups", "GroupChild")
    Dossier = apps.get_model("dossiers", "Dossier")
    for child in GroupChild.objects.filter(dossier__state="draft").iterator():
        dossier = Dossier.objects.get(pk=child.dossier_id)
        snapshot = dossier.procedure_snapshot or {}
        if "group" not in snapshot:
            snapshot["group"] = {"code": None, "filing": child.filing_id}
            Dossier.objects.filter(pk=dossier.pk).update(procedure_snapshot=snapshot)


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0013_parallel_branches"),
        ("procedure_groups", "0003_catalogue"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="groupmember",
            name="provided_papers",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text='Papers of this procedure that the result of a procedure it needs provides: [{"paper": "<paper name as published>", "by": "<national code of that procedure>"}]. The applicant is not asked for them; the result is attached when it arrives.',
                verbose_name="papers provided by a linked result",
            ),
        ),
        migrations.AddField(
            model_name="historicalproceduregroup",
            name="via_counter",
            field=models.BooleanField(
                default=True,
                help_text="The desk receives the whole group at the counter, every procedure as part of it, even one filed online only on its own.",
                verbose_name="received at the counter",
            ),
        ),
        migrations.AddField(
            model_name="historicalproceduregroup",
            name="via_online",
            field=models.BooleanField(
                default=True,
                help_text="Citizens file the whole group online, every procedure as part of it.",
                verbose_name="filed online",
            ),
        ),
        migrations.AddField(
            model_name="proceduregroup",
            name="via_counter",
            field=models.BooleanField(
                default=True,
                help_text="The desk receives the whole group at the counter, every procedure as part of it, even one filed online only on its own.",
                verbose_name="received at the counter",
            ),
        ),
        migrations.AddField(
            model_name="proceduregroup",
            name="via_online",
            field=models.BooleanField(
                default=True,
                help_text="Citizens file the whole group online, every procedure as part of it.",
                verbose_name="filed online",
            ),
        ),
        migrations.CreateModel(
            name="GroupNotice",
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
                    "key",
                    models.CharField(max_length=160, unique=True, verbose_name="key"),
                ),
                (
                    "recipient_name",
                    models.CharField(max_length=150, verbose_name="recipient's name"),
                ),
                (
                    "email",
                    models.EmailField(
                        blank=True, max_length=254, verbose_name="e-mail"
                    ),
                ),
                (
                    "phone",
                    models.CharField(blank=True, max_length=20, verbose_name="phone"),
                ),
                (
                    "language",
                    models.CharField(
                        default="vi", max_length=8, verbose_name="language"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting to be sent"),
                            ("sent", "Sent"),
                            ("failed", "Failed, no more attempts"),
                            ("cancelled", "No longer needed"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                (
                    "attempts",
                    models.PositiveSmallIntegerField(
                        default=0, verbose_name="attempts"
                    ),
                ),
                ("last_error", models.TextField(blank=True, verbose_name="last error")),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="recorded"),
                ),
                (
                    "sent_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="sent"),
                ),
                (
                    "notified_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="in-app notice"
                    ),
                ),
                (
                    "emailed_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="e-mailed"
                    ),
                ),
                (
                    "texted_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="SMS sent"
                    ),
                ),
                (
                    "filing",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notices",
                        to="procedure_groups.groupfiling",
                        verbose_name="group file",
                    ),
                ),
                (
                    "logs",
                    models.ManyToManyField(
                        related_name="group_notices",
                        to="dossiers.transitionlog",
                        verbose_name="transitions",
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty for an applicant without an account.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)ss",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recipient",
                    ),
                ),
            ],
            options={
                "verbose_name": "group notice",
                "verbose_name_plural": "group notices",
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(fields=["status", "id"], name="group_notice_status")
                ],
            },
        ),
        migrations.RunPython(mark_group_drafts, migrations.RunPython.noop),
    ]
