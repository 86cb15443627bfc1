"""The audit event: one row per login, credential change or staff view of personal
data, never changed once written."""

from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGOUT = "logout", _("Logged out")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKOUT = "lockout", _("Locked out")
    MFA_ENROLLED = "mfa_enrolled", _("Second factor enrolled")
    MFA_REMOVED = "mfa_removed", _("Second factor removed")
    MFA_FAILED = "mfa_failed", _("Second factor refused")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_RESET = "password_reset", _("Password reset")
    EMAIL_CHANGE_REQUESTED = "email_change_requested", _("E-mail change requested")
    EMAIL_CHANGED = "email_changed", _("E-mail changed")
    DOSSIER_VIEWED = "dossier_viewed", _("Dossier viewed")
    FILE_VIEWED = "file_viewed", _("File viewed")
    FORM_PRINTED = "form_printed", _("Form printed")
    AUDIT_EXPORTED = "audit_exported", _("Audit trail exported")
    AUDIT_PURGED = "audit_purged", _("Old audit events purged")
    COMPLAINT_FILED = "complaint_filed", _("Complaint filed")
    COMPLAINT_ANSWERED = "complaint_answered", _("Complaint answered")
    DOSSIER_RATED = "dossier_rated", _("Dossier rated")


class AppendOnlyError(Exception):
    """Audit events are written once and never changed or deleted, except by the
    retention purge (``audit.retention``)."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    """Who did what, to which object, when and from where.

    The dossier is kept as plain values (id, code, desk and deciding agency) rather
    than a foreign key: the trail sits below every other app, must read the same
    after the dossier changes hands, and is scoped by those values alone.
    """

    created_at = models.DateTimeField(
        _("time"), default=timezone.now, db_index=True, editable=False
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        # An account with a trail is deactivated, never deleted.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    actor_label = models.CharField(
        _("actor's user name"),
        max_length=150,
        blank=True,
        help_text=_("As it was at the time; for a failed login, the name typed."),
    )
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    object_label = models.CharField(_("object"), max_length=255, blank=True)
    dossier_id = models.PositiveBigIntegerField(_("dossier id"), null=True, blank=True)
    dossier_code = models.CharField(_("dossier code"), max_length=64, blank=True)
    receiving_desk_id = models.PositiveBigIntegerField(
        _("receiving desk id"), null=True, blank=True
    )
    deciding_agency_id = models.PositiveBigIntegerField(
        _("deciding agency id"), null=True, blank=True
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)
    details = models.JSONField(
        _("details"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["dossier_code"], name="audit_dossier_code"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["actor", "created_at"], name="audit_actor_time"),
            models.Index(
                fields=["receiving_desk_id", "created_at"], name="audit_desk_time"
            ),
            models.Index(
                fields=["deciding_agency_id", "created_at"], name="audit_agency_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events cannot be deleted.")
