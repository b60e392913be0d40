"""Forms for the board's pages, with GOV.UK classes and error messages ("Enter a title").

GovukMixin sets the classes the stylesheet knows and rewrites Django's generic
messages; templates/board/_field.html lays out one field.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db import models

from headway.board import catalogue, evidence
from headway.board import models as m
from headway.board.models.audits import DOMAINS, Grade
from headway.board.permissions import INSIDE_ROLES

DATE_HINT = "For example, 31/03/2026"


class GovukMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            self._style(field)
            self._describe(name, field, has_error=False)

    def full_clean(self):
        """Mark fields in error the GOV.UK way, and point each input at its error message."""
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                field = self.fields[name]
                field.widget.attrs["class"] = field.widget.attrs.get("class", "") + " hw-field--error"
                self._describe(name, field, has_error=True)

    @staticmethod
    def _describe(name: str, field: forms.Field, has_error: bool) -> None:
        described = [f"id_{name}-hint"] if field.help_text else []
        if has_error:
            described.append(f"id_{name}-error")
        if described:
            field.widget.attrs["aria-describedby"] = " ".join(described)

    @staticmethod
    def _style(field: forms.Field) -> None:
        widget = field.widget
        label = str(field.label or "this").lower()
        if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
            widget.attrs["class"] = "govuk-checkboxes__input"
            field.error_messages["required"] = f"Choose {label}"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "govuk-select"
            field.error_messages["required"] = f"Choose {label}"
        elif isinstance(widget, forms.Textarea):
            widget.attrs.update({"class": "govuk-textarea", "rows": 4})
            field.error_messages["required"] = f"Enter {label}"
        elif isinstance(widget, forms.ClearableFileInput):
            widget.attrs["class"] = "govuk-file-upload"
            field.error_messages["required"] = "Choose a file"
        else:
            widget.attrs["class"] = "govuk-input"
            field.error_messages["required"] = f"Enter {label}"
        if isinstance(field, forms.DateField):
            field.widget = forms.DateInput(attrs={"class": "govuk-input hw-date", "type": "date"}, format="%Y-%m-%d")
            field.error_messages["invalid"] = "Enter a real date, for example 31/03/2026"
            field.help_text = field.help_text or DATE_HINT
        if isinstance(field, forms.IntegerField):
            field.widget.attrs.update({"class": "govuk-input hw-number", "inputmode": "numeric"})
            field.error_messages["invalid"] = f"Enter {label} as a whole number"


def https_links(db_field, **kwargs):
    """Form fields for a model's fields, with links assumed https:// (Django 6's default)."""
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


def people():
    """Users who hold a role that can be accountable for an action or own a risk."""
    return (get_user_model().objects.filter(is_active=True, groups__name__in=INSIDE_ROLES)
            .distinct().order_by("first_name", "last_name", "username"))


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


def measure_choices() -> list[tuple[str, str]]:
    return [(measure_id, f"{measure_id} {title}") for measure_id, title in catalogue.titles().items()]


# --- the plan ----------------------------------------------------------------------
class ThemeForm(GovukMixin, forms.ModelForm):
    class Meta:
        model = m.Theme
        fields = ["name", "description", "order"]


class KeyAreaForm(GovukMixin, forms.ModelForm):
    accountable_officer = PersonChoice(queryset=None, label="Accountable officer", required=False,
                                       help_text="Who writes the area's position statements (an analyst can too).")

    class Meta:
        model = m.KeyArea
        fields = ["name", "description", "order", "accountable_officer"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accountable_officer"].queryset = people()


class OfstedPointForm(GovukMixin, forms.ModelForm):
    class Meta:
        model = m.OfstedPoint
        fields = ["reference", "kind", "source", "text"]


class ActionForm(GovukMixin, forms.ModelForm):
    """The whole action, for analysts who keep the plan."""

    accountable_officer = PersonChoice(queryset=None, label="Accountable officer")
    measures = forms.MultipleChoiceField(label="Measures it should move", required=False,
                                         widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = m.Action
        fields = ["reference", "title", "description", "theme", "key_area", "accountable_officer", "lead",
                  "start_date", "due_date", "next_review_on", "ofsted_points"]
        widgets = {"ofsted_points": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accountable_officer"].queryset = people()
        self.fields["measures"].choices = measure_choices()
        self.fields["ofsted_points"].label = "Ofsted recommendations or points of concern it answers"
        if self.instance.pk:
            self.initial["measures"] = self.instance.measure_ids

    def save(self, commit=True):
        action = super().save(commit=commit)
        if commit:
            self.save_measures(action)
        return action

    def save_measures(self, action) -> None:
        wanted = set(self.cleaned_data.get("measures") or [])
        action.linked_measures.exclude(measure_id__in=wanted).delete()
        have = set(action.measure_ids)
        for measure_id in sorted(wanted - have):
            m.LinkedMeasure.objects.create(action=action, measure_id=measure_id)


class ActionUpdateForm(GovukMixin, forms.ModelForm):
    """What the accountable officer keeps up to date: status, RAG with its reason, next review."""

    class Meta:
        model = m.Action
        fields = ["status", "completed_on", "officer_rag", "rag_reason", "next_review_on"]
        help_texts = {"officer_rag": "Red, Amber or Green. An action past its due date and not complete "
                                     "shows Red whatever you choose."}

    def clean(self):
        data = super().clean()
        if data.get("status") == m.Status.COMPLETE and not data.get("completed_on"):
            self.add_error("completed_on", "Enter the date the action was completed")
        return data


class MilestoneForm(GovukMixin, forms.ModelForm):
    class Meta:
        model = m.Milestone
        fields = ["title", "due_date", "completed_on"]


class EvidenceForm(GovukMixin, forms.ModelForm):
    class Meta:
        model = m.Evidence
        fields = ["title", "url", "file"]
        formfield_callback = https_links
        help_texts = {"file": f"Or upload {evidence.ALLOWED_WORDS}, up to {evidence.MAX_BYTES // (1024 * 1024)} MB."}
        widgets = {"file": forms.FileInput}  # a new record: nothing to clear

    def clean_url(self):
        url = self.cleaned_data["url"]
        if url and not url.lower().startswith("https://"):
            raise forms.ValidationError("Enter a link that starts with https://")
        return url

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            evidence.check_upload(upload)
        return upload

    def save(self, commit=True):
        record = super().save(commit=False)
        upload = self.cleaned_data.get("file")
        if upload:  # keep the uploader's name for people; the file is stored under a random one
            record.file_name, record.file_size = upload.name[:255], upload.size
        if commit:
            record.save()
        return record


# --- statements and commentary -------------------------------------------------------
class StatementTextForm(GovukMixin, forms.ModelForm):
    class Meta:
        model = m.StatementVersion
        fields = ["done", "impact", "next_steps", "proposed_rag"]


class NewStatementForm(StatementTextForm):
    as_of = forms.DateField(label="Statement date", help_text="The date the statement describes. " + DATE_HINT)

    class Meta(StatementTextForm.Meta):
        fields = ["as_of", *StatementTextForm.Meta.fields]


class CommentaryTextForm(GovukMixin, forms.ModelForm):
    class Meta:
        model = m.CommentaryVersion
        fields = ["shows", "why", "next_steps"]


class NewCommentaryForm(CommentaryTextForm):
    measure_id = forms.ChoiceField(label="Measure")
    period_end = forms.DateField(label="Month ending", help_text="The last day of the month, for example 31/03/2026")

    class Meta(CommentaryTextForm.Meta):
        fields = ["measure_id", "period_end", *CommentaryTextForm.Meta.fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure_id"].choices = measure_choices()

    def clean_period_end(self):
        day = self.cleaned_data["period_end"]
        if not m.drafts.is_month_end(day):
            raise forms.ValidationError("Enter the last day of a month, for example 31/03/2026")
        return day


# --- risks -------------------------------------------------------------------------
class RiskCategoryForm(GovukMixin, forms.ModelForm):
    class Meta:
        model = m.RiskCategory
        fields = ["name", "appetite_score", "appetite_statement"]


class RiskForm(GovukMixin, forms.ModelForm):
    owner = PersonChoice(queryset=None, label="Owner")

    class Meta:
        model = m.Risk
        fields = ["reference", "title", "cause", "effect", "owner", "category",
                  "inherent_likelihood", "inherent_impact", "current_likelihood", "current_impact",
                  "target_likelihood", "target_impact", "appetite_score", "next_review_on", "state"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people()


class RiskReviewForm(GovukMixin, forms.Form):
    reviewed_on = forms.DateField(label="Date of the review")
    likelihood = forms.IntegerField(label="Likelihood now")
    impact = forms.IntegerField(label="Impact now")
    note = forms.CharField(label="What has changed", widget=forms.Textarea, required=False)
    next_review_on = forms.DateField(label="Next review date")

    def __init__(self, *args, matrix, **kwargs):
        super().__init__(*args, **kwargs)
        for name, labels in (("likelihood", matrix.likelihood_labels), ("impact", matrix.impact_labels)):
            scale = ", ".join(f"{i} {label}" for i, label in enumerate(labels, start=1))
            self.fields[name] = forms.IntegerField(label=self.fields[name].label, min_value=1,
                                                   max_value=matrix.size, help_text=scale)
            self._style(self.fields[name])
            self.fields[name].error_messages["min_value"] = f"Enter a number from 1 to {matrix.size}"
            self.fields[name].error_messages["max_value"] = f"Enter a number from 1 to {matrix.size}"

    def clean(self):
        data = super().clean()
        if data.get("reviewed_on") and data.get("next_review_on") and data["next_review_on"] <= data["reviewed_on"]:
            self.add_error("next_review_on", "The next review date must be after the date of this review")
        return data


class MitigationForm(GovukMixin, forms.ModelForm):
    class Meta:
        model = m.Mitigation
        fields = ["description", "action"]


# --- meetings ----------------------------------------------------------------------
class MeetingForm(GovukMixin, forms.ModelForm):
    class Meta:
        model = m.Meeting
        fields = ["date", "kind", "title", "actions_called"]
        widgets = {"actions_called": forms.CheckboxSelectMultiple}


class DecisionForm(GovukMixin, forms.ModelForm):
    class Meta:
        model = m.Decision
        fields = ["kind", "text", "owner", "due_date", "action"]


class DeepDiveForm(GovukMixin, forms.ModelForm):
    class Meta:
        model = m.DeepDive
        fields = ["meeting", "topic", "action", "ofsted_point", "presenter", "papers"]
        formfield_callback = https_links


# --- audits ------------------------------------------------------------------------
class TeamChoiceMixin:
    """A team chosen from the warehouse's org tree (headway.board.scope.team_choices gives
    the teams in the user's scope); the team's name is kept beside its ID for people to read."""

    def __init__(self, *args, teams: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.team_names = dict(teams)
        hint = ("The teams in your scope, as the warehouse publishes them." if teams else
                "No teams to choose from: nothing is published in the warehouse yet, or your scope has no team.")
        self.fields["team_unit"] = forms.ChoiceField(label="Team", choices=[("", "Choose a team"), *teams],
                                                     help_text=hint)
        self._style(self.fields["team_unit"])
        self._describe("team_unit", self.fields["team_unit"], has_error=False)

    def clean_team_unit(self):
        unit = self.cleaned_data["team_unit"]
        self.instance.team = self.team_names[unit]  # ChoiceField has refused anything not offered
        return unit


class ThemedAuditForm(GovukMixin, forms.ModelForm):
    lead = PersonChoice(queryset=None, label="Lead")

    class Meta:
        model = m.ThemedAudit
        fields = ["theme", "sample", "starts_on", "ends_on", "lead"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = people()


class RotaSlotForm(TeamChoiceMixin, GovukMixin, forms.ModelForm):
    auditor = PersonChoice(queryset=None, label="Auditor")

    class Meta:
        model = m.RotaSlot
        fields = ["auditor", "team_unit", "cases", "due_on", "themed_audit"]

    def __init__(self, *args, org=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["auditor"].queryset = people()
        self.org = org

    def clean(self):
        """An auditor must be able to read the audits they are given: the team must be in their scope."""
        data = super().clean()
        auditor, unit = data.get("auditor"), data.get("team_unit")
        if auditor and unit and self.org is not None:
            from headway.web.access import access_for

            allowed = access_for(auditor).team_filter(self.org)
            if allowed is not None and unit not in allowed:
                self.add_error("team_unit", f"{self.team_names[unit]} is outside "
                                            f"{auditor.get_full_name() or auditor.get_username()}'s scope: "
                                            "choose another auditor, or widen their scope first")
        return data


def domain_field_name(number: int) -> str:
    return f"grade_{number}"


class CaseAuditForm(TeamChoiceMixin, GovukMixin, forms.ModelForm):
    """One case audit, with a grade for each practice domain. `earlier` is the audits this one
    may follow up: those the user may read (headway.board.scope)."""

    class Meta:
        model = m.CaseAudit
        fields = ["kind", "themed_audit", "follows_up", "child_ref", "team_unit", "worker", "audited_on",
                  "overall_grade", "findings", "actions"]

    def __init__(self, *args, earlier=None, **kwargs):
        super().__init__(*args, **kwargs)
        if earlier is not None:
            self.fields["follows_up"].queryset = earlier.exclude(pk=self.instance.pk)
        existing = {g.domain: g.grade for g in self.instance.grades.all()} if self.instance.pk else {}
        for number, domain in enumerate(DOMAINS, start=1):
            name = domain_field_name(number)
            self.fields[name] = forms.ChoiceField(label=domain, choices=[("", "Not graded"), *Grade.choices],
                                                  required=False, initial=existing.get(domain, ""))
            self._style(self.fields[name])

    def grade_fields(self):
        return [self[domain_field_name(n)] for n in range(1, len(DOMAINS) + 1)]

    def save_grades(self, audit) -> None:
        for number, domain in enumerate(DOMAINS, start=1):
            grade = self.cleaned_data.get(domain_field_name(number))
            if grade:
                m.DomainGrade.objects.update_or_create(audit=audit, domain=domain, defaults={"grade": grade})
            else:
                m.DomainGrade.objects.filter(audit=audit, domain=domain).delete()


class ImportForm(GovukMixin, forms.Form):
    workbook = forms.FileField(label="Excel workbook (.xlsx)")

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("Choose an Excel workbook saved as .xlsx")
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("The workbook must be smaller than 5 MB")
        return upload


class FeedbackForm(TeamChoiceMixin, GovukMixin, forms.ModelForm):
    """Structured answers; the free-text box only where the council has turned it on
    (headway.board.feedback): without it, words posted anyway are never read."""

    class Meta:
        model = m.Feedback
        fields = ["received_on", "from_whom", "channel", "team_unit", "about", "listened_to", "made_a_difference",
                  "overall", "themed_audit", "free_text"]
        help_texts = {"received_on": DATE_HINT,
                      "free_text": "Only what they said about the service. No names, addresses or other "
                                   "details that could identify anyone. Never published."}

    def __init__(self, *args, free_text: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not free_text:
            del self.fields["free_text"]
