# The staff search box's folded column (issue 15 item 3), filled for existing rows,
# and its PostgreSQL trigram indexes by hand.

from django.db import migrations, models

from dossiers.search import dossier_search_text, search_folded_sql
from procedures.search import fold

BATCH = 50_000

# "Any part of a code, any case" and "a word of the folded name, or any part of a
# number" are both LIKE '%…%': trigram indexes, on PostgreSQL only (SQLite scans,
# which is fine at the size a SQLite installation holds). They replace 0003's prefix
# index on the code and trigram index on the accented name, which nothing reads now.
POSTGRES_INDEXES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS dossier_search_trgm "
    "ON dossiers_dossier USING gin (search_folded gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS dossier_code_trgm "
    "ON dossiers_dossier USING gin (UPPER(code) gin_trgm_ops)",
    "DROP INDEX IF EXISTS dossier_name_trgm",
    "DROP INDEX IF EXISTS dossier_code_prefix",
]
POSTGRES_DROPS = [
    "CREATE INDEX IF NOT EXISTS dossier_code_prefix "
    "ON dossiers_dossier (code varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS dossier_name_trgm "
    "ON dossiers_dossier USING gin (UPPER(applicant_name) gin_trgm_ops)",
    "DROP INDEX IF EXISTS dossier_code_trgm",
    "DROP INDEX IF EXISTS dossier_search_trgm",
]

FOLDED_SQL = search_folded_sql("n.folded", "d.applicant_phone", "d.applicant_id_number")


def fill_search_folded(apps, schema_editor):
    """Every dossier's ``search_folded``, as ``Dossier.save`` would write it."""
    if schema_editor.connection.vendor == "postgresql":
        _fill_postgres(schema_editor)
        return
    Dossier = apps.get_model("dossiers", "Dossier")
    rows = Dossier.objects.only(
        "pk", "applicant_name", "applicant_phone", "applicant_id_number"
    ).order_by("pk")
    batch = []
    for dossier in rows.iterator(chunk_size=2000):
        dossier.search_folded = dossier_search_text(
            dossier.applicant_name, dossier.applicant_phone, dossier.applicant_id_number
        )
        batch.append(dossier)
        if len(batch) == 2000:
            Dossier.objects.bulk_update(batch, ["search_folded"])
            batch = []
    Dossier.objects.bulk_update(batch, ["search_folded"])


def _fill_postgres(schema_editor):
    """Fold each distinct name once in Python (the one fold of the catalogue, "đ"
    included), then let PostgreSQL write the rows, a range of ids at a time: a
    million dossiers take seconds, not a million round trips."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE search_folded_names "
            "(name varchar(150) PRIMARY KEY, folded text NOT NULL)"
        )
        cursor.execute("SELECT DISTINCT applicant_name FROM dossiers_dossier")
        names = [row[0] for row in cursor.fetchall()]
        for start in range(0, len(names), 5000):
            chunk = names[start : start + 5000]
            cursor.executemany(
                "INSERT INTO search_folded_names VALUES (%s, %s)",
                [(name, fold(name)) for name in chunk],
            )
        cursor.execute("ANALYZE search_folded_names")
        cursor.execute(
            "SELECT coalesce(min(id), 0), coalesce(max(id), 0) FROM dossiers_dossier"
        )
        low, high = cursor.fetchone()
        for start in range(low, high + 1, BATCH):
            cursor.execute(
                f"""
                UPDATE dossiers_dossier AS d
                SET search_folded = {FOLDED_SQL}
                FROM search_folded_names AS n
                WHERE n.name = d.applicant_name AND d.id >= %s AND d.id < %s
                """,
                [start, start + BATCH],
            )
        cursor.execute("DROP TABLE search_folded_names")


def create_postgres_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_INDEXES:
            schema_editor.execute(statement)


def drop_postgres_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_DROPS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0007_dossier_answers_delivery"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="search_folded",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=255
            ),
        ),
        migrations.RunPython(fill_search_folded, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["current_due_at", "id"], name="dossier_due"),
        ),
        migrations.RunPython(create_postgres_indexes, drop_postgres_indexes),
    ]
