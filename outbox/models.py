"""Outbox events, the subscribers that receive them, and one delivery per pair.

An ``Event`` is written in the transaction of the dossier transition it reports
(``services.record_transition``), so a transition that rolls back leaves none.
Each active ``Subscriber`` gets a ``Delivery`` row for it in the same
transaction; the rows are what the workers deliver, retry and give up on. The
app sits below ``dossiers`` in the import layers: it knows dossiers only by
their id and code, never by their model.
"""

import secrets
import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Kind(models.TextChoices):
    NATIONAL_PORTAL = "national_portal", _("National Public Service Portal")
    WEBHOOK = "webhook", _("Signed webhook")


class Subscriber(models.Model):
    """A receiver of dossier events, configured in the admin."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.WEBHOOK
    )
    url = models.URLField(
        _("URL"), max_length=500, help_text=_("Events are POSTed here as JSON.")
    )
    secret = models.CharField(
        _("secret"),
        max_length=200,
        default=new_secret,
        help_text=_(
            "A webhook: the key of the HMAC-SHA256 signature. The national portal: "
            "the bearer token it issued to the centre."
        ),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_(
            "Only active subscribers get new events; an inactive one's pending "
            "deliveries wait until it is active again."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    """One transition of one dossier, as subscribers are told of it."""

    key = models.UUIDField(
        _("idempotency key"),
        unique=True,
        default=uuid.uuid4,
        editable=False,
        help_text=_("Sent with every attempt; the receiver keeps one per key."),
    )
    dossier_id = models.PositiveBigIntegerField(_("dossier id"))
    dossier_code = models.CharField(_("dossier code"), max_length=64)
    sequence = models.PositiveIntegerField(
        _("sequence"), help_text=_("1 for the dossier's first event, then 2, 3…")
    )
    event_type = models.CharField(_("event"), max_length=40)
    payload = models.JSONField(_("payload"), encoder=DjangoJSONEncoder)
    occurred_at = models.DateTimeField(_("occurred"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier_id", "sequence"], name="outbox_event_sequence"
            )
        ]
        indexes = [models.Index(fields=["dossier_code"], name="outbox_event_code")]

    def __str__(self) -> str:
        return f"{self.dossier_code} #{self.sequence} {self.event_type}"


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting to be delivered")
    DELIVERED = "delivered", pgettext_lazy("delivery status", "Delivered")
    DEAD = "dead", _("Dead: no more attempts")


class Delivery(models.Model):
    """One event to one subscriber: attempts, the next one's time, the outcome.

    A pending delivery is sent only once every earlier event of the same dossier
    has been delivered to the same subscriber; a dead one holds the later ones
    back until it is replayed. ``dossier_id`` and ``sequence`` repeat the
    event's so that rule is one indexed query.
    """

    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("subscriber"),
        # A subscriber with a delivery history is made inactive, not deleted.
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    dossier_id = models.PositiveBigIntegerField(_("dossier id"))
    sequence = models.PositiveIntegerField(_("sequence"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_response = models.PositiveSmallIntegerField(
        _("last HTTP status"), null=True, blank=True
    )
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    replays = models.PositiveSmallIntegerField(
        _("replays"), default=0, help_text=_("Times an administrator replayed it.")
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscriber"], name="outbox_delivery_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["subscriber", "dossier_id", "sequence"],
                name="outbox_delivery_chain",
            ),
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=models.Q(status="pending"),
                name="outbox_delivery_due",
            ),
            models.Index(fields=["status", "-id"], name="outbox_delivery_status"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscriber}"
