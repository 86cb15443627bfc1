"""The password rules: no leaked password, nor one disguised with look-alike
characters, digits, a year or punctuation; checked offline."""

import gzip
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from accounts.validators import BreachedPasswordValidator, password_variants

LEAKED_MESSAGE = "danh sách mật khẩu bị lộ"


@pytest.mark.parametrize(
    ("password", "refused"),
    [
        ("P@ssw0rd2024!", True),  # the example
        ("Password2024!", True),
        ("qwerty123456", True),
        ("@dmin2024", True),
        ("2024Dragon!!", True),
        ("Trustno1!", True),
        ("iloveyou<3", True),
        ("matkhau2024!", True),  # "mật khẩu", Vietnamese for password
        ("Mật-khẩu-2024", True),
        ("Pass word 2024", True),
        ("onecenter2026", True),
        ("Hoa-sen-no-2026", False),
        ("Sen-vang-ven-song-2026", False),
        ("Owner-chooses-this-2026", False),
        ("Tr0ub4dor&3", False),
    ],
)
def test_leaked_passwords_and_their_disguises_are_refused(password, refused):
    """A password on the list, or one with look-alikes for letters and digits,
    a year or punctuation added, is refused in the site's words; others pass."""
    validator = BreachedPasswordValidator()
    if refused:
        with pytest.raises(ValidationError) as excinfo:
            validator.validate(password)
        assert LEAKED_MESSAGE in excinfo.value.messages[0]
        assert excinfo.value.error_list[0].code == "password_breached"
    else:
        validator.validate(password)


def test_the_variants_read_look_alikes_both_ways():
    """ "1" is tried as "i" and as "l"; what was added at either end is dropped."""
    assert {"password", "p@ssw0rd"} <= password_variants("P@ssw0rd2024!")
    assert {"admin", "adm1n"} <= password_variants("adm1n")
    assert "hello" in password_variants("he11o")


def test_the_validator_takes_the_place_of_djangos_common_password_one():
    """AUTH_PASSWORD_VALIDATORS lists ours instead of CommonPasswordValidator, and
    the other rules stay."""
    names = [v["NAME"] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert "accounts.validators.BreachedPasswordValidator" in names
    assert not any(n.endswith(".CommonPasswordValidator") for n in names)
    assert any(n.endswith(".MinimumLengthValidator") for n in names)
    with pytest.raises(ValidationError):
        password_validation.validate_password("P@ssw0rd2024!")


def test_the_bundled_list_holds_djangos_and_more():
    """Every entry of Django's 20,000 is in the bundled list of over 50,000."""
    ours = BreachedPasswordValidator().passwords
    django_list = Path(django.__file__).parent / "contrib/auth/common-passwords.txt.gz"
    with gzip.open(django_list, "rt", encoding="utf-8") as f:
        theirs = {line.strip() for line in f if line.strip()}
    assert len(ours) > 50_000
    assert theirs <= ours


def test_the_help_text_is_in_the_sites_words():
    """The sign-up page lists the rule as the site puts it."""
    text = BreachedPasswordValidator().get_help_text()
    assert "bị lộ" in text
