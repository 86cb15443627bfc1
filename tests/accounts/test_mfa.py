"""The second factor: staff pass it before any staff or admin page; they set up an
app on first login; recovery codes work once; citizens choose."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from accounts.models import Role
from audit.models import Action, AuditEvent
from tests.conftest import second_factor_code
from tests.factories import UserFactory, demo_user

pytestmark = pytest.mark.django_db

VERIFY = "/accounts/two-step/"
ENROL = "/accounts/two-step/set-up/"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def password_login(client, username, password=DEMO_PASSWORD):
    """The first step only, through the login form (not the test client's login,
    which passes the second factor for staff)."""
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": password}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def code_at(device: TOTPDevice, moment) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = moment.timestamp()
    return f"{totp.token():06d}"


@pytest.mark.parametrize("username", ["clerk", "officer", "leader", "manager", "admin"])
@pytest.mark.parametrize("path", ["/staff/", "/admin/", "/notifications/"])
def test_staff_are_sent_to_the_code_page_until_they_pass_it(
    client, demo, username, path
):
    """After the password alone, every staff and admin page sends to the code page
    and comes back to it afterwards."""
    password_login(client, username)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next={path.replace('/', '%2F')}"
    response = client.post(response["Location"], {"code": second_factor_code(username)})
    assert response["Location"] == path
    # Past the gate: the page's own rules apply (the admin site is the
    # administrator's, the workspace the other roles').
    response = client.get(path)
    assert not response.get("Location", "").startswith(VERIFY)
    assert response.status_code in {200, 302, 403}


def test_the_login_lands_on_the_code_page(client, demo):
    response = client.post(
        reverse("accounts:login"),
        {"username": "clerk", "password": DEMO_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0].startswith(VERIFY)
    page = response.content.decode()
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page
    assert re.search(r'<label[^>]+for="id_code"', page)


def test_a_post_to_a_staff_page_waits_for_the_code_too(client, demo, in_processing):
    password_login(client, "clerk")
    response = client.post(
        reverse("workspace:add_note", args=[in_processing.pk]), {"note": "x"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


def test_a_wrong_code_is_refused_and_then_the_device_waits(client, demo):
    """A wrong code is refused; the app then refuses even the right code for a
    second, then two, then four… (django-otp's throttling)."""
    password_login(client, "clerk")
    device = TOTPDevice.objects.get(user__username="clerk")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        wrong = "000000" if code_at(device, start) != "000000" else "111111"
        response = client.post(VERIFY, {"code": wrong})
        assert response.status_code == 400
        assert "Mã không đúng" in response.content.decode()
        response = client.post(VERIFY, {"code": code_at(device, start)})
        assert response.status_code == 400
        assert "Nhập sai mã quá nhiều lần" in response.content.decode()
    later = start + timedelta(seconds=2)
    with time_machine.travel(later, tick=False):
        response = client.post(VERIFY, {"code": code_at(device, later)})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200
    # Each refused code is in the audit trail, against the account.
    refused = AuditEvent.objects.filter(
        action=Action.MFA_FAILED, actor__username="clerk"
    )
    assert refused.count() == 2


def test_a_code_is_good_once(client, demo):
    """The same app code does not open a second session."""
    moment = timezone.now()
    with time_machine.travel(moment, tick=False):
        device = TOTPDevice.objects.get(user__username="clerk")
        code = code_at(device, moment)
        password_login(client, "clerk")
        assert client.post(VERIFY, {"code": code}).status_code == 302
        client.logout()
        password_login(client, "clerk")
        assert client.post(VERIFY, {"code": code}).status_code == 400


def test_passing_the_second_factor_gives_a_new_session_key(client, demo):
    password_login(client, "clerk")
    before = client.session.session_key
    client.post(VERIFY, {"code": second_factor_code("clerk")})
    assert client.session.session_key != before
    assert DEVICE_ID_SESSION_KEY in client.session


def test_a_new_staff_member_sets_up_the_app_on_first_login(client, demo):
    """No app yet: the code page is the set-up page, with a QR code and the key in
    text; a wrong code is refused, the right one turns it on and shows ten
    recovery codes once."""
    clerk = UserFactory(username="new.clerk", role=Role.CLERK)
    password_login(client, "new.clerk")
    response = client.get("/staff/")
    assert response["Location"].startswith(ENROL)
    assert client.get(VERIFY)["Location"].startswith(ENROL)

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html).group(1)
    device = TOTPDevice.objects.get(user=clerk, confirmed=False)
    assert mfa.hex_key_from_base32(secret) == device.key
    # Reloading keeps the same key (the QR code may already be scanned).
    assert secret in client.get(ENROL).content.decode()

    moment = timezone.now()
    with time_machine.travel(moment, tick=False):
        right = code_at(device, moment)
        wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"
        refused = client.post(ENROL, {"code": wrong, "next": "/staff/"})
        assert refused.status_code == 400
        assert not TOTPDevice.objects.filter(user=clerk, confirmed=True).exists()
        assert client.get("/staff/").status_code == 302
    later = moment + timedelta(seconds=3)
    with time_machine.travel(later, tick=False):
        response = client.post(
            ENROL, {"code": code_at(device, later), "next": "/staff/"}
        )
    assert response.status_code == 302
    codes_page = client.get(response["Location"])
    codes = re.findall(
        r'<span class="user-select-all">([a-z2-7]{8})</span>',
        codes_page.content.decode(),
    )
    assert len(set(codes)) == 10
    assert 'href="/staff/"' in codes_page.content.decode()
    # Shown once.
    assert client.get(response["Location"]).status_code == 302
    assert client.get("/staff/").status_code == 200
    assert (
        AuditEvent.objects.filter(action=Action.MFA_ENROLLED, actor=clerk).count() == 1
    )
    # Kept as keyed hashes, never in clear.
    stored = set(
        StaticToken.objects.filter(device__user=clerk).values_list("token", flat=True)
    )
    assert len(stored) == 10 and not stored & set(codes)


def test_the_app_cannot_be_replaced_with_the_password_alone(client, demo):
    """Someone who has only the password cannot set up their own app instead."""
    password_login(client, "clerk")
    response = client.get(ENROL)
    assert response["Location"].startswith(VERIFY)
    response = client.post(ENROL, {"code": "123456"})
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user__username="clerk").count() == 1


def test_a_recovery_code_works_once(client, demo):
    clerk = demo_user("clerk")
    codes = mfa.recovery_codes_issue(user=clerk)
    password_login(client, "clerk")
    response = client.post(VERIFY, {"recovery_code": codes[3].upper()})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200
    assert mfa.recovery_codes_left(clerk) == 9
    client.logout()

    password_login(client, "clerk")
    response = client.post(VERIFY, {"recovery_code": codes[3]})
    assert response.status_code == 400
    assert "đã được sử dụng" in response.content.decode()
    assert client.get("/staff/").status_code == 302


def test_an_unverified_session_can_still_log_out_and_switch_language(client, demo):
    password_login(client, "clerk")
    assert client.post(reverse("set_language"), {"language": "vi"}).status_code == 302
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_citizen_is_not_asked_for_a_code(client, demo):
    password_login(client, "citizen")
    assert client.get(reverse("dossiers:my_list")).status_code == 200
    page = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:mfa_enrol") in page


def test_a_citizen_turns_it_on_and_off(client, demo):
    """A citizen may turn the second factor on from their profile; then every
    login asks for it, until they turn it off with a code."""
    citizen = demo_user("citizen")
    password_login(client, "citizen")
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=citizen, confirmed=False)
    response = client.post(
        ENROL, {"code": mfa.next_code(device), "next": reverse("accounts:profile")}
    )
    assert response.status_code == 302
    assert client.get(reverse("dossiers:my_list")).status_code == 200
    client.logout()

    password_login(client, "citizen")
    response = client.get(reverse("dossiers:my_list"))
    assert response["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": second_factor_code("citizen")})
    assert client.get(reverse("dossiers:my_list")).status_code == 200

    # Turning it off needs a valid code.
    client.post(reverse("accounts:mfa_disable"), {"code": "000000"})
    assert mfa.has_second_factor(citizen)
    client.post(
        reverse("accounts:mfa_disable"), {"code": second_factor_code("citizen")}
    )
    assert not mfa.has_second_factor(citizen)
    assert AuditEvent.objects.filter(action=Action.MFA_REMOVED, actor=citizen).exists()
    client.logout()
    password_login(client, "citizen")
    assert client.get(reverse("dossiers:my_list")).status_code == 200


def test_staff_cannot_turn_it_off(client, demo):
    client.force_login(demo_user("clerk"))
    response = client.post(
        reverse("accounts:mfa_disable"), {"code": second_factor_code("clerk")}
    )
    assert response.status_code == 403
    assert mfa.has_second_factor(demo_user("clerk"))


def test_new_recovery_codes_replace_the_old_ones(client, demo):
    clerk = demo_user("clerk")
    old = mfa.recovery_codes_issue(user=clerk)
    client.force_login(clerk)
    response = client.post(reverse("accounts:mfa_recovery_codes_new"))
    page = client.get(response["Location"]).content.decode()
    new = re.findall(r'<span class="user-select-all">([a-z2-7]{8})</span>', page)
    assert len(new) == 10
    assert mfa.second_factor_check(user=clerk, code=new[0]) is not None
    assert mfa.second_factor_check(user=clerk, code=old[0]) is None


def test_the_profile_shows_the_state_of_the_second_factor(client, demo):
    client.force_login(demo_user("manager"))
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Xác thực hai bước" in page
    assert reverse("accounts:lockouts") in page
    assert reverse("accounts:mfa_disable") not in page  # required for staff


def test_demo_staff_share_the_published_key(demo):
    """seed_demo gives each staff account the documented key; not the citizen."""
    key = mfa.hex_key_from_base32(DEMO_TOTP_SECRET)
    for username in ["admin", "manager", "clerk", "officer", "leader"]:
        assert (
            TOTPDevice.objects.get(user__username=username, confirmed=True).key == key
        )
    assert not TOTPDevice.objects.filter(user__username="citizen").exists()


def test_demo_otp_prints_a_code_that_logs_in(client, demo, capsys):
    call_command("demo_otp", "leader")
    code = capsys.readouterr().out.strip()
    assert re.fullmatch(r"\d{6}", code)
    password_login(client, "leader")
    assert client.post(VERIFY, {"code": code}).status_code == 302
    # Used: the command now gives the next one, accepted a step early.
    call_command("demo_otp", "leader")
    assert capsys.readouterr().out.strip() != code


def test_demo_otp_knows_only_demo_keys(demo):
    UserFactory(username="real.clerk", role=Role.CLERK)
    with pytest.raises(CommandError):
        call_command("demo_otp", "real.clerk")
    with pytest.raises(CommandError):
        call_command("demo_otp", "citizen")


def test_seed_demo_prints_the_demo_key(settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--allow-demo-passwords")
    assert DEMO_TOTP_SECRET in capsys.readouterr().out
