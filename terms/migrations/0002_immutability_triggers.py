"""
Database triggers that make published terms versions and consents immutable, whatever
code path writes to them (the ORM, a queryset update, a manual SQL session).

- A published version: nothing may change but `updated_at` and, once, `withdrawn_at`.
  On PostgreSQL it cannot be deleted either (on SQLite, the test database's flush deletes
  rows, so deletion is guarded there only by the consents' PROTECT foreign key).
- A consent: never updated.
"""

from django.db import migrations

CONTENT_COLUMNS = [
    "office_id", "version", "title", "title_en", "body", "body_en", "change_summary",
    "change_summary_en", "body_html", "body_en_html", "effective_from", "published_at",
    "published_by_id",
]  # fmt: skip

PG_CHANGED = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in CONTENT_COLUMNS)
SQLITE_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in CONTENT_COLUMNS)

POSTGRESQL_FORWARD = f"""
CREATE FUNCTION terms_version_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.published_at IS NOT NULL THEN
            RAISE EXCEPTION 'published terms versions cannot be deleted'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.published_at IS NOT NULL AND (
        {PG_CHANGED}
        OR (OLD.withdrawn_at IS NOT NULL AND NEW.withdrawn_at IS DISTINCT FROM OLD.withdrawn_at)
    ) THEN
        RAISE EXCEPTION 'published terms versions are immutable'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER terms_version_guard BEFORE UPDATE OR DELETE ON terms_termsversion
    FOR EACH ROW EXECUTE FUNCTION terms_version_guard();

CREATE FUNCTION terms_consent_guard() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'consents are immutable' USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER terms_consent_guard BEFORE UPDATE ON terms_consent
    FOR EACH ROW EXECUTE FUNCTION terms_consent_guard();
"""

POSTGRESQL_BACKWARD = """
DROP TRIGGER IF EXISTS terms_version_guard ON terms_termsversion;
DROP FUNCTION IF EXISTS terms_version_guard();
DROP TRIGGER IF EXISTS terms_consent_guard ON terms_consent;
DROP FUNCTION IF EXISTS terms_consent_guard();
"""

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER terms_version_guard BEFORE UPDATE ON terms_termsversion
    WHEN OLD.published_at IS NOT NULL AND (
        {SQLITE_CHANGED}
        OR (OLD.withdrawn_at IS NOT NULL AND NEW.withdrawn_at IS NOT OLD.withdrawn_at)
    )
    BEGIN SELECT RAISE(ABORT, 'published terms versions are immutable'); END
    """,
    """
    CREATE TRIGGER terms_consent_guard BEFORE UPDATE ON terms_consent
    BEGIN SELECT RAISE(ABORT, 'consents are immutable'); END
    """,
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS terms_version_guard",
    "DROP TRIGGER IF EXISTS terms_consent_guard",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_FORWARD)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_BACKWARD)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("terms", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
