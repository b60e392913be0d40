"""Case audits, rota lines and feedback are tied to a team of the warehouse's org tree
(team_unit, a team ID) instead of free text; `team` keeps the name for people to read.

Old rows keep loading: where the free-text team matches one team's name or ID in the
published warehouse (ignoring case and spacing), team_unit is set to that team; otherwise
it stays blank, and only authority-wide roles see the row (headway.board.scope). With no
warehouse published at migration time every old row stays blank.
"""

from django.db import migrations, models

TEAM_TIED_MODELS = ("CaseAudit", "RotaSlot", "Feedback")


def folded(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def team_ids_by_name(rows) -> dict[str, str]:
    """{folded name or ID: team ID}; a name two teams share matches neither."""
    found: dict[str, set[str]] = {}
    for row in rows:
        for key in {folded(row["org_unit"]), folded(row["org_unit_name"] or "")} - {""}:
            found.setdefault(key, set()).add(row["org_unit"])
    return {key: next(iter(units)) for key, units in found.items() if len(units) == 1}


def published_teams() -> list[dict]:
    """The warehouse's teams, or none if nothing is published (or Django runs without Headway's settings)."""
    from django.conf import settings

    from headway.errors import HeadwayError
    from headway.warehouse.query import Warehouse

    headway_settings = getattr(settings, "HEADWAY_SETTINGS", None)
    if headway_settings is None:
        return []
    try:
        with Warehouse(headway_settings.warehouse_path) as warehouse:
            return warehouse.org_units("team")
    except HeadwayError:
        return []


def map_old_team_names(apps, schema_editor) -> None:
    teams = team_ids_by_name(published_teams())
    if not teams:
        return
    for name in TEAM_TIED_MODELS:
        model = apps.get_model("board", name)
        for pk, team in model.objects.filter(team_unit="").values_list("pk", "team"):
            unit = teams.get(folded(team))
            if unit:
                model.objects.filter(pk=pk).update(team_unit=unit)


class Migration(migrations.Migration):

    dependencies = [
        ('board', '0003_evidence_files_feedback_area_statements'),
    ]

    operations = [
        migrations.AddField(
            model_name='caseaudit',
            name='team_unit',
            field=models.CharField(blank=True, db_index=True, help_text='Chosen from the teams the warehouse publishes.', max_length=40, verbose_name='Team'),
        ),
        migrations.AddField(
            model_name='feedback',
            name='team_unit',
            field=models.CharField(blank=True, db_index=True, help_text='Chosen from the teams the warehouse publishes.', max_length=40, verbose_name='Team'),
        ),
        migrations.AddField(
            model_name='rotaslot',
            name='team_unit',
            field=models.CharField(blank=True, db_index=True, help_text='Chosen from the teams the warehouse publishes.', max_length=40, verbose_name='Team'),
        ),
        migrations.AlterField(
            model_name='caseaudit',
            name='team',
            field=models.CharField(max_length=200, verbose_name='Team name'),
        ),
        migrations.AlterField(
            model_name='feedback',
            name='team',
            field=models.CharField(help_text='The team working with the child or family.', max_length=200, verbose_name='Team name'),
        ),
        migrations.AlterField(
            model_name='rotaslot',
            name='team',
            field=models.CharField(max_length=200, verbose_name='Team name'),
        ),
        migrations.RunPython(map_old_team_names, migrations.RunPython.noop),
    ]
