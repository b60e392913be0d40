"""Every route the dashboard serves. All but the sign-in page and static files need a
signed-in user (middleware.SignInRequiredMiddleware), and every route declares who may
use it (access.requires; board routes through headway.board.permissions.board_view):
access.AccessMiddleware refuses a route that declares nothing. tests/test_web.py and
tests/test_permissions.py request every pattern here signed out and as every role,
so a new route is covered as soon as it is added.
"""

from django.contrib.auth.views import LoginView, LogoutView
from django.urls import include, path, re_path
from django.views.static import serve as serve_static

from headway.web import exception_views, manage_views, oidc_views, views, workforce_views
from headway.web.access import Permission, requires
from headway.web.forms import SignInForm
from headway.web.settings import STATIC_DIR

urlpatterns = [
    path("", views.scorecard, name="scorecard"),
    path("measures/<slug:measure_id>/", views.measure, name="measure"),
    path("workforce/", workforce_views.workforce, name="workforce"),  # the workforce digest (figures)
    # Lists of children (child-level: audited, scoped to the user's teams).
    path("exceptions/", exception_views.exceptions_index, name="exceptions"),
    path("exceptions/<slug:list_id>/", exception_views.exception_list, name="exception_list"),
    path("exceptions/<slug:list_id>/export.xlsx", exception_views.exception_export, name="exception_export"),
    path("children/<str:child_id>/", exception_views.child, name="child"),
    # Administration: users, roles, scopes and the audit log.
    path("manage/users/", manage_views.users, name="users"),
    path("manage/users/new/", manage_views.user_edit, name="user_new"),
    path("manage/users/<int:user_id>/", manage_views.user_edit, name="user_edit"),
    path("manage/audit/", manage_views.audit_log, name="audit"),
    # The Improvement Board's tools (headway.board): signed-in only like every page here.
    path("board/", include("headway.board.urls")),
    # Local accounts. OpenID Connect (a later issue) adds its routes beside these.
    path("sign-in/", requires(Permission.PUBLIC)(
        LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True)), name="login"),
    path("sign-out/", requires(Permission.SIGNED_IN)(LogoutView.as_view()), name="logout"),  # POST only
    # OpenID Connect (web/oidc_views.py): 404 unless an issuer is configured.
    path("sign-in/oidc/", oidc_views.oidc_start, name="oidc_start"),
    path("sign-in/oidc/callback/", oidc_views.oidc_callback, name="oidc_callback"),
    # The app serves its own few static files so one process is the whole dashboard.
    # In production a reverse proxy (which also terminates TLS) should serve /static/
    # from src/headway/web/static/ instead, with long cache headers.
    re_path(r"^static/(?P<path>.+)$", requires(Permission.PUBLIC)(serve_static), {"document_root": STATIC_DIR},
            name="static"),
]
