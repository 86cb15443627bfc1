"""App configuration for groups of linked procedures filed once (liên thông)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcedureGroupsConfig(AppConfig):
    name = "procedure_groups"
    verbose_name = _("Groups of linked procedures")

    def ready(self) -> None:
        # The "groups" list of the catalogue file (procedures.catalogue_io).
        from dossiers.freshness import connect
        from dossiers.notices import register_digest_recorder, register_window_recorder

        from . import catalogue  # noqa: F401
        from .digest import hold_in_window, record_digest
        from .models import GroupChild, GroupFiling

        # The citizen's kept "My dossiers" lists the group files too.
        connect(GroupFiling, GroupChild)

        # One notice per group file and batch of changes (digest.py), and the
        # children's results gathered in one digest per window.
        register_digest_recorder(record_digest)
        register_window_recorder(hold_in_window)
