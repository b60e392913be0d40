"""The board's models, one module per part of the board's work."""

from headway.board.models.audits import CaseAudit, DomainGrade, Feedback, Grade, RotaSlot, ThemedAudit
from headway.board.models.drafts import (CommentaryVersion, MeasureCommentary, PositionStatement,
                                         StatementVersion)
from headway.board.models.history import HistoryEntry
from headway.board.models.meetings import Decision, DeepDive, Meeting
from headway.board.models.plan import (RAG_CHOICES, Action, Evidence, KeyArea, LinkedMeasure, Milestone,
                                       OfstedPoint, Status, Theme)
from headway.board.models.risks import Mitigation, Risk, RiskCategory, RiskReview

__all__ = [
    "Action", "CaseAudit", "CommentaryVersion", "Decision", "DeepDive", "DomainGrade", "Evidence", "Feedback", "Grade",
    "HistoryEntry", "KeyArea", "LinkedMeasure", "MeasureCommentary", "Meeting",
    "Milestone", "Mitigation", "OfstedPoint", "PositionStatement", "RAG_CHOICES", "Risk", "RiskCategory",
    "RiskReview", "RotaSlot", "StatementVersion", "Status", "Theme", "ThemedAudit",
]
