"""Catalogue export and all-or-nothing import; the demo catalogue."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.demo import seed_agencies
from procedures.catalogue_io import (
    CatalogueImportError,
    export_catalogue,
    import_catalogue,
)
from procedures.demo import seed_catalogue
from procedures.models import Procedure, RequiredPaper, Sector

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_catalogue(db, media):
    seed_agencies()
    seed_catalogue()


def without_timestamp(document: str) -> dict:
    data = json.loads(document)
    data.pop("exported_at")
    return data


def test_export_import_round_trip_is_equal(demo_catalogue):
    """Exporting, wiping the procedures and importing gives the same catalogue."""
    first = export_catalogue()
    Procedure.objects.all().delete()
    summary = import_catalogue(json.loads(first))
    assert summary == {"created": 44, "updated": 0}
    assert without_timestamp(export_catalogue()) == without_timestamp(first)


def test_reimport_updates_in_place(demo_catalogue):
    """Importing the same file again updates every procedure and creates none."""
    ids = set(Procedure.objects.values_list("pk", flat=True))
    summary = import_catalogue(json.loads(export_catalogue()))
    assert summary == {"created": 0, "updated": 44}
    assert set(Procedure.objects.values_list("pk", flat=True)) == ids


def test_bad_file_is_rejected_whole_with_every_error(demo_catalogue):
    """One bad file changes nothing and lists each problem with its position."""
    document = json.loads(export_catalogue())
    document["procedures"][0]["name"] = "Đã đổi tên"
    document["procedures"][1]["papers"][0]["originals"] = -1
    document["procedures"][2]["sector"] = "khong-co"
    document["procedures"][3]["route"][0]["working_days"] = "99"
    document["procedures"][4]["processing_time"]["unit"] = "fortnights"
    document["procedures"][5]["code"] = document["procedures"][6]["code"]
    document["procedures"].append({"code": "x"})
    before = export_catalogue()
    with pytest.raises(CatalogueImportError) as excinfo:
        import_catalogue(document)
    errors = excinfo.value.errors
    joined = "\n".join(errors)
    assert "procedures[1]" in joined and ".papers[0].originals" in joined
    assert "procedures[2]" in joined and ".sector: unknown code 'khong-co'" in joined
    assert "procedures[3]" in joined and ".route:" in joined
    assert "procedures[4]" in joined and "processing_time_unit" in joined
    assert "appears twice" in joined
    assert "procedures[44]" in joined
    assert len(errors) >= 7
    assert without_timestamp(export_catalogue()) == without_timestamp(before)


def test_wrong_format_is_refused():
    """A file that is not a OneCenter catalogue is refused at once."""
    with pytest.raises(CatalogueImportError, match="1 problem"):
        import_catalogue({"procedures": []})


def test_demo_catalogue_is_real_and_broad(demo_catalogue):
    """The demo catalogue has at least 30 public procedures in at least 6 fields."""
    public = Procedure.objects.public()
    assert public.count() >= 30
    assert Sector.objects.filter(procedures__in=public).distinct().count() >= 6
    assert RequiredPaper.objects.filter(procedure__in=public).count() >= 100
    assert all(p.is_demo_data for p in public)
    birth = public.get(code="1.001193")
    assert birth.name == "Thủ tục đăng ký khai sinh"
    assert birth.route_error([s.working_days for s in birth.route_steps.all()]) is None


def test_commands_export_and_import(demo_catalogue, tmp_path, capsys):
    """The management commands write a file and read it back."""
    path = tmp_path / "catalogue.json"
    call_command("export_catalogue", str(path))
    call_command("import_catalogue", str(path))
    assert "0 created, 44 updated" in capsys.readouterr().out
    path.write_text(
        '{"format": "onecenter.catalogue", "version": 1, "procedures": [1]}'
    )
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_catalogue", str(path))
