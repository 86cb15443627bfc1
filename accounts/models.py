"""The user model: citizens and staff, with a role and a place of work."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Citizen or business")
    CLERK = "clerk", _("One-stop-shop clerk")
    OFFICER = "officer", _("Processing officer")
    LEADER = "leader", _("Leader")
    MANAGER = "manager", _("Centre manager")
    ADMINISTRATOR = "administrator", _("Catalogue administrator")


# The staff who work on dossiers, in the workspace. The catalogue administrator
# works in the admin site and never reads dossiers.
STAFF_ROLES = frozenset({Role.CLERK, Role.OFFICER, Role.LEADER, Role.MANAGER})


class User(AbstractUser):
    """Anyone who logs in; what they see follows from their role and agency."""

    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.APPLICANT
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    id_number = models.CharField(
        _("ID number"),
        max_length=20,
        blank=True,
        help_text=_("Citizen identity card (CCCD) number, 12 digits."),
    )
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("vi", _("Vietnamese")), ("en", _("English"))],
        default="vi",
    )
    agency = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    department = models.ForeignKey(
        "procedures.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    email_verified_at = models.DateTimeField(
        _("e-mail verified"),
        null=True,
        blank=True,
        help_text=_("When the owner confirmed the address through the link e-mailed."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        # Staff lists (the worklist's assignee filter, step handlers) pick a few
        # hundred staff out of a table of mostly citizens.
        indexes = [models.Index(fields=["role", "agency"], name="user_role_agency")]

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        if (
            self.department_id
            and self.agency_id
            and self.department.agency_id != self.agency_id
        ):
            raise ValidationError(
                {"department": _("The department must belong to the agency.")}
            )
        if self.role in (Role.CLERK, Role.OFFICER, Role.LEADER) and not self.agency_id:
            raise ValidationError({"agency": _("Staff in this role need an agency.")})
        if self.role == Role.OFFICER and not self.department_id:
            raise ValidationError(
                {"department": _("A processing officer needs a department.")}
            )

    @property
    def is_applicant(self) -> bool:
        return self.role == Role.APPLICANT

    @property
    def works_at_centre(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def display_name(self) -> str:
        return str(self)
