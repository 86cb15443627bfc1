"""API keys of machine clients: a public prefix, a hashed secret, scopes, expiry."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# What a key may do. Sessions (people in a browser) have every scope their role
# allows; a key has only those listed on it.
SCOPE_DOSSIERS_READ = "dossiers:read"
SCOPE_DOSSIERS_WRITE = "dossiers:write"
SCOPE_NOTIFICATIONS_READ = "notifications:read"
SCOPES = [
    (SCOPE_DOSSIERS_READ, _("Read dossiers and their timeline")),
    (SCOPE_DOSSIERS_WRITE, _("Act on dossiers (file, submit, workflow actions)")),
    (SCOPE_NOTIFICATIONS_READ, _("Read notifications")),
]

KEY_PREFIX = "oc"
PREFIX_BYTES = 6
SECRET_BYTES = 32


def hash_secret(secret: str) -> str:
    """SHA-256 of the secret. The secret is 256 random bits, so a fast hash is
    enough (nothing to guess); a slow one would cost every request for nothing."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def usable(self) -> "ApiKeyQuerySet":
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, user__is_active=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiKey(models.Model):
    """A machine client's credential; it acts as ``user``, narrowed by its scopes
    and, for dossiers, by ``agency`` (and the agencies below it)."""

    name = models.CharField(
        _("client"),
        max_length=200,
        help_text=_("Who uses the key, e.g. “National portal sync”."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acts as"),
        on_delete=models.CASCADE,
        related_name="api_keys",
        help_text=_(
            "The account whose rights the key uses; it can never do more than "
            "this account."
        ),
    )
    prefix = models.CharField(_("prefix"), max_length=32, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    agency = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("agency scope"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_(
            "Only dossiers received or decided by this agency or one below it. "
            "Empty: every dossier the account may see."
        ),
    )
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({KEY_PREFIX}_{self.prefix}_…)"

    @property
    def is_usable(self) -> bool:
        return (
            self.revoked_at is None
            and (self.expires_at is None or self.expires_at > timezone.now())
            and self.user.is_active
        )

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    def new_secret(self) -> str:
        """Give the key a new prefix and secret; returns the whole key, which is
        shown once and never stored."""
        self.prefix = secrets.token_hex(PREFIX_BYTES)
        secret = secrets.token_urlsafe(SECRET_BYTES)
        self.secret_hash = hash_secret(secret)
        return f"{KEY_PREFIX}_{self.prefix}_{secret}"
