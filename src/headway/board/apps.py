"""The board app. ready() connects the history recorder to every board model."""

from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "headway.board"
    label = "board"
    verbose_name = "Improvement Board"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from headway.board import history

        history.connect_signals()
