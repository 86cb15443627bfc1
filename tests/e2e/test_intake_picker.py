"""The counter's procedure picker: type part of a name without accents, or part
of a code, pick with the keyboard, and go on to step 2."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import login, serious_accessibility_issues

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_clerk_finds_a_procedure_by_typing(audited_page, demo):
    page = audited_page
    login(page, "clerk")
    page.goto("/staff/intake/")
    box = page.get_by_role("combobox", name="Thủ tục")
    box.fill("dang ky ket hon")
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    first = listbox.get_by_role("option").first
    expect(first).to_contain_text("đăng ký kết hôn (1.000894)")
    # The open list, its options and the box: no serious accessibility issue.
    assert serious_accessibility_issues(page) == []
    box.press("Enter")
    expect(box).to_have_value(re.compile("kết hôn"))
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/staff/intake/\?procedure=1\.000894"))
    expect(page.get_by_text("Thủ tục đăng ký kết hôn").first).to_be_visible()


def test_a_code_fragment_and_the_arrow_keys_work(page, demo):
    login(page, "clerk")
    page.goto("/staff/intake/")
    box = page.get_by_role("combobox", name="Thủ tục")
    box.fill("001193")
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("khai sinh")
    box.fill("")
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    box.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()


def test_continuing_without_a_choice_says_so(page, demo):
    login(page, "clerk")
    page.goto("/staff/intake/")
    box = page.get_by_role("combobox", name="Thủ tục")
    box.fill("khong co thu tuc nao nhu the nay")
    expect(page.get_by_role("listbox")).to_contain_text("Không có thủ tục")
    box.press("Tab")
    page.get_by_role("button", name="Tiếp tục").click()
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Hãy chọn một thủ tục trong danh sách.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/staff/intake/$"))
