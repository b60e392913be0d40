"""The board's pages, one module per part of the board's work. Every view is wrapped
in permissions.board_view (tests/test_board_permissions.py checks that for every URL)."""
