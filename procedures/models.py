"""Models of the procedure catalogue."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AdministrativeLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")


class Agency(models.Model):
    """A receiving desk or a deciding agency (cơ quan), identified by its code."""

    code = models.CharField(
        _("agency code"),
        max_length=32,
        unique=True,
        help_text=_("The agency's code in the national register, e.g. 000.00.12.H57."),
    )
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    level = models.CharField(
        _("administrative level"), max_length=16, choices=AdministrativeLevel.choices
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_receiving_desk = models.BooleanField(
        _("receives dossiers"),
        default=False,
        help_text=_("A one-stop-shop desk (Bộ phận Một cửa) that receives dossiers."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.short_name or self.name


class Department(models.Model):
    """A department (phòng, ban) of an agency that takes part in processing."""

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="departments",
    )
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["agency__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "code"], name="unique_department_code_per_agency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"
