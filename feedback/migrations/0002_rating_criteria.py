"""Rating criteria become configurable: the four criteria asked so far become
rows, and each rating's four scores move into ``scores`` (criterion code → score)."""

from django.db import migrations, models

OLD_CRITERIA = ("guidance", "courtesy", "timeliness", "fees")
SEEDED = (
    (
        "guidance",
        "Hướng dẫn rõ ràng",
        "Clear guidance",
        "Hướng dẫn về thành phần hồ sơ và các bước có rõ ràng không?",
        "Was the guidance on papers and steps clear?",
        10,
    ),
    (
        "courtesy",
        "Thái độ của công chức",
        "Courtesy of the staff",
        "Công chức có lịch sự, nhiệt tình không?",
        "Were the staff courteous and helpful?",
        20,
    ),
    (
        "timeliness",
        "Trả kết quả đúng hẹn",
        "Result on time",
        "Ông/Bà có nhận kết quả đúng hẹn không?",
        "Did you receive the result on time?",
        30,
    ),
    (
        "fees",
        "Phí, lệ phí đúng quy định",
        "Fees as published",
        "Phí, lệ phí có đúng như công khai, không thu thêm khoản nào không?",
        "Were the fees as published, with nothing extra asked?",
        40,
    ),
)


def forward(apps, schema_editor):
    Criterion = apps.get_model("feedback", "RatingCriterion")
    Rating = apps.get_model("feedback", "Rating")
    for code, label, label_en, question, question_en, position in SEEDED:
        Criterion.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "label_en": label_en,
                "question": question,
                "question_en": question_en,
                "position": position,
            },
        )
    batch = []
    for rating in Rating.objects.all().iterator(chunk_size=2000):
        rating.scores = {name: getattr(rating, name) for name in OLD_CRITERIA}
        batch.append(rating)
        if len(batch) == 2000:
            Rating.objects.bulk_update(batch, ["scores"])
            batch = []
    Rating.objects.bulk_update(batch, ["scores"])


def backward(apps, schema_editor):
    Rating = apps.get_model("feedback", "Rating")
    for rating in Rating.objects.all().iterator(chunk_size=2000):
        for name in OLD_CRITERIA:
            setattr(rating, name, rating.scores.get(name, 3))
        rating.save(update_fields=list(OLD_CRITERIA))


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="RatingCriterion",
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
                    "code",
                    models.SlugField(
                        help_text="Keys the scores of every rating; cannot change once rated.",
                        max_length=40,
                        unique=True,
                        verbose_name="code",
                    ),
                ),
                ("label", models.CharField(max_length=120, verbose_name="name (Vietnamese)")),
                ("label_en", models.CharField(max_length=120, verbose_name="name (English)")),
                (
                    "question",
                    models.CharField(max_length=300, verbose_name="question (Vietnamese)"),
                ),
                (
                    "question_en",
                    models.CharField(max_length=300, verbose_name="question (English)"),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(default=100, verbose_name="order"),
                ),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="Asked on the rating form. Ratings already made keep its score.",
                        verbose_name="asked",
                    ),
                ),
            ],
            options={
                "verbose_name": "rating criterion",
                "verbose_name_plural": "rating criteria",
                "ordering": ["position", "code"],
            },
        ),
        migrations.AddField(
            model_name="rating",
            name="scores",
            field=models.JSONField(default=dict, verbose_name="scores"),
        ),
        *[
            migrations.RemoveConstraint(model_name="rating", name=f"rating_{name}_1_to_5")
            for name in OLD_CRITERIA
        ],
        # Nullable first, so that going back can add the columns to existing rows.
        *[
            migrations.AlterField(
                model_name="rating",
                name=name,
                field=models.PositiveSmallIntegerField(null=True),
            )
            for name in OLD_CRITERIA
        ],
        migrations.RunPython(forward, backward),
        *[migrations.RemoveField(model_name="rating", name=name) for name in OLD_CRITERIA],
    ]
