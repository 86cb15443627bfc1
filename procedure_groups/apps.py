"""App configuration for groups of linked procedures filed once (liên thông)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcedureGroupsConfig(AppConfig):
    name = "procedure_groups"
    verbose_name = _("Groups of linked procedures")

    def ready(self) -> None:
        # The "groups" list of the catalogue file (procedures.catalogue_io).
        from . import catalogue  # noqa: F401
