"""Database triggers that refuse UPDATE and DELETE on the history table.

The model and its queryset already refuse changes; the triggers stop anything else
that uses the app's database connection (raw SQL, a bug, a future bulk operation).
A database administrator can still drop them: protect the database itself with its
own permissions (docs/board.md). On SQLite, a later migration that rebuilds
board_historyentry drops these triggers; tests/test_board_history.py checks they exist.
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS board_history_no_update BEFORE UPDATE ON board_historyentry
       BEGIN SELECT RAISE(ABORT, 'board history entries cannot be changed'); END""",
    """CREATE TRIGGER IF NOT EXISTS board_history_no_delete BEFORE DELETE ON board_historyentry
       BEGIN SELECT RAISE(ABORT, 'board history entries cannot be deleted'); END""",
]
SQLITE_UNDO = ["DROP TRIGGER IF EXISTS board_history_no_update", "DROP TRIGGER IF EXISTS board_history_no_delete"]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION board_history_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'board history entries cannot be changed or deleted'; END; $$""",
    """CREATE TRIGGER board_history_immutable BEFORE UPDATE OR DELETE ON board_historyentry
       FOR EACH ROW EXECUTE FUNCTION board_history_refuse()""",
    """CREATE TRIGGER board_history_no_truncate BEFORE TRUNCATE ON board_historyentry
       FOR EACH STATEMENT EXECUTE FUNCTION board_history_refuse()""",
]
POSTGRES_UNDO = ["DROP TRIGGER IF EXISTS board_history_immutable ON board_historyentry",
                 "DROP TRIGGER IF EXISTS board_history_no_truncate ON board_historyentry",
                 "DROP FUNCTION IF EXISTS board_history_refuse()"]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return apply


class Migration(migrations.Migration):
    dependencies = [("board", "0001_initial")]

    operations = [
        migrations.RunPython(run({"sqlite": SQLITE, "postgresql": POSTGRES}),
                             run({"sqlite": SQLITE_UNDO, "postgresql": POSTGRES_UNDO})),
    ]
