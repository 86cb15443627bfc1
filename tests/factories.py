"""factory_boy factories for the catalogue and accounts, with state traits."""

from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role, User
from procedures.models import (
    AdministrativeLevel,
    Agency,
    Department,
    Fee,
    OnlineLevel,
    Procedure,
    PublicationStatus,
    RequiredPaper,
    RouteStep,
    Sector,
    TimeUnit,
)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"000.00.{n % 100:02d}.T{n // 100:02d}")
    name = factory.Sequence(lambda n: f"Cơ quan thử nghiệm {n}")
    level = AdministrativeLevel.PROVINCE

    class Params:
        desk = factory.Trait(is_receiving_desk=True, name="Bộ phận Một cửa thử nghiệm")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"phong-{n}")
    name = factory.Sequence(lambda n: f"Phòng chuyên môn {n}")


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"linh-vuc-{n}")
    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure

    code = factory.Sequence(lambda n: f"9.{n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm số {n}")
    sector = factory.SubFactory(SectorFactory)
    level = AdministrativeLevel.PROVINCE
    receiving_agency = factory.SubFactory(AgencyFactory, desk=True)
    deciding_agency = factory.SubFactory(AgencyFactory)
    processing_time_value = 5
    processing_time_unit = TimeUnit.WORKING_DAYS
    result = "Giấy chứng nhận"
    via_counter = True
    via_online = True
    online_level = OnlineLevel.PARTIAL
    status = PublicationStatus.DRAFT

    class Params:
        published = factory.Trait(status=PublicationStatus.PUBLISHED)
        withdrawn = factory.Trait(status=PublicationStatus.WITHDRAWN)


class RequiredPaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredPaper

    procedure = factory.SubFactory(ProcedureFactory)
    position = factory.Sequence(int)
    name = factory.Sequence(lambda n: f"Tờ khai số {n}")


class FeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fee

    procedure = factory.SubFactory(ProcedureFactory)
    name = "Lệ phí"
    amount_vnd = 50000


class RouteStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RouteStep

    procedure = factory.SubFactory(ProcedureFactory)
    name = "Thẩm định"
    working_days = Decimal(2)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Người dùng {n}")
    role = Role.APPLICANT
    password = factory.django.Password("onecenter-demo")


def demo_user(username: str):
    """A demo account by name (needs the ``demo`` fixture)."""
    return User.objects.get(username=username)


def pdf(name: str = "scan.pdf") -> SimpleUploadedFile:
    """A small upload that is a real PDF header, as a scanner would send."""
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n%test\n", content_type="application/pdf"
    )


def received_mandatory(procedure: Procedure) -> list:
    """What a clerk ticks for a complete walk-in dossier: one original of every
    mandatory paper (``dossiers.services.ReceivedPaper`` rows)."""
    from dossiers.services import ReceivedPaper, snapshot_procedure

    return [
        ReceivedPaper(paper["index"], paper["name"], originals=1)
        for paper in snapshot_procedure(procedure)["papers"]
        if paper["mandatory"]
    ]


def default_criteria_rows(retired: tuple[str, ...] = ()) -> None:
    """The rating criteria the migration seeds, stored as rows (as a centre that
    edited them has them); the codes in ``retired`` no longer asked."""
    from feedback.models import DEFAULT_CRITERIA, RatingCriterion

    for default in DEFAULT_CRITERIA:
        RatingCriterion.objects.update_or_create(
            code=default.code,
            defaults={
                "label": default.label,
                "label_en": default.label_en,
                "question": default.question,
                "question_en": default.question_en,
                "position": default.position,
                "is_active": default.code not in retired,
            },
        )
