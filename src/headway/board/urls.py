"""The board's routes, under /board/ (included from headway.web.urls).

Every route is signed-in only (headway.web.middleware) and every view checks its
permission on the server (headway.board.permissions.board_view).
"""

from django.urls import path

from headway.board.views import (audits, feedback, history, impact, imports, meetings, plan, risks, statements,
                                 style)

app_name = "board"

urlpatterns = [
    path("", plan.home, name="home"),
    path("board.css", style.stylesheet, name="stylesheet"),
    # the plan
    path("plan/", plan.plan, name="plan"),
    path("plan/themes/new/", plan.theme_edit, name="theme_create"),
    path("plan/themes/<int:pk>/edit/", plan.theme_edit, name="theme_edit"),
    path("plan/key-areas/new/", plan.key_area_edit, name="key_area_create"),
    path("plan/key-areas/<int:pk>/edit/", plan.key_area_edit, name="key_area_edit"),
    path("plan/key-areas/<int:pk>/", plan.key_area_detail, name="key_area_detail"),
    path("plan/key-areas/<int:pk>/statements/new/", statements.key_area_statement_create,
         name="key_area_statement_create"),
    path("ofsted/", plan.ofsted_list, name="ofsted_list"),
    path("ofsted/new/", plan.ofsted_edit, name="ofsted_create"),
    path("ofsted/<int:pk>/edit/", plan.ofsted_edit, name="ofsted_edit"),
    path("actions/new/", plan.action_create, name="action_create"),
    path("actions/<int:pk>/", plan.action_detail, name="action_detail"),
    path("actions/<int:pk>/edit/", plan.action_edit, name="action_edit"),
    path("actions/<int:pk>/update/", plan.action_update, name="action_update"),
    path("actions/<int:pk>/milestones/new/", plan.milestone_create, name="milestone_create"),
    path("actions/<int:pk>/milestones/<int:milestone_pk>/edit/", plan.milestone_edit, name="milestone_edit"),
    path("actions/<int:pk>/evidence/new/", plan.evidence_create, name="evidence_create"),
    path("actions/<int:pk>/evidence/<int:evidence_pk>/file/", plan.evidence_download, name="evidence_download"),
    path("actions/<int:pk>/impact/", impact.action_impact, name="action_impact"),
    # position statements and commentary
    path("actions/<int:pk>/statements/new/", statements.statement_create, name="statement_create"),
    path("statements/<int:pk>/", statements.statement_detail, name="statement_detail"),
    path("statements/<int:pk>/revise/", statements.statement_revise, name="statement_revise"),
    path("statement-versions/<int:pk>/approve/", statements.statement_approve, name="statement_approve"),
    path("approvals/", statements.approvals, name="approvals"),
    path("commentary/", statements.commentary_list, name="commentary_list"),
    path("commentary/new/", statements.commentary_create, name="commentary_create"),
    path("commentary/<int:pk>/", statements.commentary_detail, name="commentary_detail"),
    path("commentary/<int:pk>/revise/", statements.commentary_revise, name="commentary_revise"),
    path("commentary-versions/<int:pk>/approve/", statements.commentary_approve, name="commentary_approve"),
    # risks
    path("risks/", risks.risk_list, name="risk_list"),
    path("risks/heat-map/", risks.heat_map_view, name="heat_map"),
    path("risks/new/", risks.risk_edit, name="risk_create"),
    path("risks/<int:pk>/", risks.risk_detail, name="risk_detail"),
    path("risks/<int:pk>/edit/", risks.risk_edit, name="risk_edit"),
    path("risks/<int:pk>/review/", risks.risk_review, name="risk_review"),
    path("risks/<int:pk>/mitigations/new/", risks.mitigation_create, name="mitigation_create"),
    path("risk-categories/new/", risks.category_edit, name="category_create"),
    path("risk-categories/<int:pk>/edit/", risks.category_edit, name="category_edit"),
    # meetings and the forward plan
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/new/", meetings.meeting_edit, name="meeting_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/decisions/new/", meetings.decision_create, name="decision_create"),
    path("forward-plan/", meetings.forward_plan, name="forward_plan"),
    path("forward-plan/new/", meetings.deep_dive_create, name="deep_dive_create"),
    # quality assurance
    path("audits/", audits.audits_home, name="audits"),
    path("audits/themed/new/", audits.themed_audit_create, name="themed_audit_create"),
    path("audits/rota/new/", audits.rota_create, name="rota_create"),
    path("audits/cases/", audits.case_audit_list, name="case_audit_list"),
    path("audits/cases/new/", audits.case_audit_create, name="case_audit_create"),
    path("audits/cases/<int:pk>/", audits.case_audit_detail, name="case_audit_detail"),
    path("audits/cases/<int:pk>/edit/", audits.case_audit_edit, name="case_audit_edit"),
    path("feedback/", feedback.feedback_list, name="feedback"),
    path("feedback/new/", feedback.feedback_create, name="feedback_create"),
    # import and history
    path("import/", imports.import_upload, name="import_upload"),
    path("import/confirm/", imports.import_confirm, name="import_confirm"),
    path("import/columns/", imports.import_columns, name="import_columns"),
    path("import/template.xlsx", imports.import_template, name="import_template"),
    path("history/", history.history_list, name="history"),
]
