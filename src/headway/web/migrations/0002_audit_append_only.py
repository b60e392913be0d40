"""The audit log refuses UPDATE and DELETE in the database itself, not only in the app:
anything that reaches the tables with SQL (a shell, another program) is stopped too.
Retention (deleting old records on a schedule) will need a migration that drops and
re-creates these triggers around the deletion, so it is a deliberate, reviewed act."""

from django.db import migrations

TABLES = ("headway_auditevent", "headway_auditedchild")

SQLITE = [
    f"""CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"""
    for table in TABLES for verb in ("UPDATE", "DELETE")
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION headway_audit_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$ LANGUAGE plpgsql""",
] + [
    f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION headway_audit_append_only()"""
    for table in TABLES
]


def add_triggers(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            for verb in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")


class Migration(migrations.Migration):
    dependencies = [("headway", "0001_scope_audit_lockout")]
    operations = [migrations.RunPython(add_triggers, drop_triggers)]
