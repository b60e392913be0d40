"""The Improvement Board's tools: the improvement plan, position statements, measure
commentary, the risk register, meetings and forward plan, quality assurance audits,
Excel import, the impact view and an immutable history of every change.

A Django app beside headway.web (same sign-in, same look). Every view checks
permissions on the server through headway.board.permissions (deny by default);
every change to a board record is written to HistoryEntry by headway.board.history.
See docs/board.md.

For the committee pack: headway.board.publish.approved_statements() and
approved_commentary() return only what the board chair or an analyst approved.
"""
