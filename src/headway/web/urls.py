"""Every route the dashboard serves. All but the sign-in page and static files need a
signed-in user (middleware.SignInRequiredMiddleware); tests/test_web.py requests every
pattern here signed out, so a new route is covered as soon as it is added.
"""

from django.contrib.auth.views import LoginView, LogoutView
from django.urls import path, re_path
from django.views.static import serve as serve_static

from headway.web import views
from headway.web.forms import SignInForm
from headway.web.settings import STATIC_DIR

urlpatterns = [
    path("", views.scorecard, name="scorecard"),
    path("measures/<slug:measure_id>/", views.measure, name="measure"),
    # Local accounts. OpenID Connect (a later issue) adds its routes beside these.
    path("sign-in/", LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
         name="login"),
    path("sign-out/", LogoutView.as_view(), name="logout"),  # POST only (Django 5)
    # The app serves its own few static files so one process is the whole dashboard.
    # In production a reverse proxy (which also terminates TLS) should serve /static/
    # from src/headway/web/static/ instead, with long cache headers.
    re_path(r"^static/(?P<path>.+)$", serve_static, {"document_root": STATIC_DIR}, name="static"),
]
