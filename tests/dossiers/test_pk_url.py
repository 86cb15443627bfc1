"""``dossier_cells.pk_url``: the rows' links, reversed once per view, are the
addresses Django's ``reverse`` gives."""

import pytest
from django.urls import NoReverseMatch, reverse
from django.urls.base import set_script_prefix

from dossiers.templatetags.dossier_cells import pk_url


@pytest.mark.parametrize(
    "view",
    [
        "dossiers:detail",
        "dossiers:draft",
        "dossiers:supplement",
        "workspace:dossier_detail",
    ],
)
@pytest.mark.parametrize("pk", [1, 42, 918273645, 2**40])
def test_the_address_is_the_one_reverse_gives(view, pk):
    assert pk_url(view, pk) == reverse(view, args=[pk])


def test_a_script_prefix_is_kept():
    try:
        set_script_prefix("/onecenter/")
        assert pk_url("dossiers:detail", 7) == "/onecenter/my/dossiers/7/"
        assert pk_url("dossiers:detail", 7) == reverse("dossiers:detail", args=[7])
    finally:
        set_script_prefix("/")


def test_a_page_not_addressed_by_an_id_is_refused():
    with pytest.raises(NoReverseMatch):
        pk_url("portal:home", 1)
