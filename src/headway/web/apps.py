"""The dashboard as a Django app. The label is fixed now so migrations added later
(plans, commentary, audit) keep a stable name."""

from django.apps import AppConfig


class HeadwayWebConfig(AppConfig):
    name = "headway.web"
    label = "headway"
    verbose_name = "Headway dashboard"
    default_auto_field = "django.db.models.BigAutoField"
