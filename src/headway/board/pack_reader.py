"""The board's words for `headway report`, importable before Django is configured.

headway.board.publish imports the board's models, which need Django's settings, so the
CLI asks for its reader here: this module sets Django up from the workspace first.
"""

from __future__ import annotations

from headway.config import Settings


def committee_pack_reader(settings: Settings):
    """Configure Django from the workspace, bring the app database up to date (as `headway
    serve` does), and return headway.board.publish.pack_narrative for
    headway.reports.committee.write_pack(board=...)."""
    from headway.web import migrate_database, setup

    setup(settings)
    migrate_database()
    from headway.board.publish import pack_narrative

    return pack_narrative
