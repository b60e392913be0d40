"""Forms, with error messages in the GOV.UK style ("Enter your username")."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from headway.web import accounts


class SignInForm(AuthenticationForm):
    """Django's sign-in form with lockout (accounts.py); the template lays it out the GOV.UK way."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your Headway administrator.",
        "locked": "There have been too many failed attempts to sign in with this username. Wait "
                  "%(minutes)s minutes and try again, or ask your Headway administrator to unlock it.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["password"].widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})

    def clean(self):
        from headway.web.audit import record
        from headway.web.models import AuditEvent

        username = self.cleaned_data.get("username")
        if not username or not self.cleaned_data.get("password"):
            return super().clean()
        if accounts.is_locked(username):  # even the right password is refused while locked
            record(self.request, AuditEvent.SIGN_IN_FAILED, "Sign in (locked)", username=username)
            raise self.locked_error()
        try:
            cleaned = super().clean()
        except ValidationError:
            locked_now = accounts.record_failure(username)
            record(self.request, AuditEvent.LOCKED if locked_now else AuditEvent.SIGN_IN_FAILED, "Sign in",
                   username=username)
            raise self.locked_error() if locked_now else self.get_invalid_login_error() from None
        accounts.clear_failures(username)
        record(self.request, AuditEvent.SIGN_IN, "Sign in", username=username)
        return cleaned

    def locked_error(self) -> ValidationError:
        return ValidationError(self.error_messages["locked"], code="locked",
                               params={"minutes": settings.HEADWAY_LOCKOUT_MINUTES})


class UserAccessForm(forms.Form):
    """An administrator's form for one user: name, role, scope, switched on or off, password.

    Service areas and teams to choose from are the published warehouse's, plus any the
    user already has (a team renamed or closed stays visible until someone removes it).
    """

    username = forms.CharField(max_length=150, required=False)
    first_name = forms.CharField(max_length=150, required=False, label="First name")
    last_name = forms.CharField(max_length=150, required=False, label="Last name")
    role = forms.ChoiceField(required=False, widget=forms.RadioSelect)
    whole_authority = forms.BooleanField(required=False, label="The whole authority")
    service_areas = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    teams = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    is_active = forms.BooleanField(required=False, initial=True, label="The account is switched on")
    new_password = forms.CharField(required=False, strip=False, label="New password",
                                   widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    unlock = forms.BooleanField(required=False, label="Unlock the account after failed sign-ins")

    def __init__(self, *args, editing=None, acting=None, services=(), teams=(), **kwargs):
        from headway.web.roles import ROLE_DESCRIPTIONS, ROLES

        super().__init__(*args, **kwargs)
        self.editing, self.acting = editing, acting
        self.fields["role"].choices = [("", "No role: sees nothing")] + [
            (name, f"{name}: {ROLE_DESCRIPTIONS[name]}") for name in ROLES]
        self.fields["service_areas"].choices = [(s, s) for s in services]
        self.fields["teams"].choices = list(teams)
        self.fields["username"].required = editing is None
        self.fields["new_password"].required = editing is None
        self.fields["username"].error_messages["required"] = "Enter a username"
        self.fields["new_password"].error_messages["required"] = "Enter a password for the new user"

    def clean_username(self):
        from django.contrib.auth import get_user_model

        username = self.cleaned_data["username"].strip()
        if self.editing is None and get_user_model().objects.filter(username=username).exists():
            raise ValidationError("There is already a user with that username")
        return username

    def clean(self):
        from django.contrib.auth.password_validation import validate_password

        from headway.web.roles import ADMIN_ROLES, SCRUTINY_MEMBER

        data = super().clean()
        password = data.get("new_password")
        if password:
            try:
                validate_password(password, self.editing)
            except ValidationError as problems:
                self.add_error("new_password", problems)
        if data.get("role") == SCRUTINY_MEMBER and data.get("teams") and not (
                data.get("whole_authority") or data.get("service_areas")):
            self.add_error("teams", "A scrutiny member sees the authority and service areas only, never a "
                                    "team: choose the whole authority or service areas")
        if self.editing is not None and self.editing == self.acting and not self.acting.is_superuser:
            if not data.get("is_active") or data.get("role") not in ADMIN_ROLES:
                self.add_error("role", "You cannot switch off your own account or take away your own "
                                       "administrator role: ask another administrator")
        return data
