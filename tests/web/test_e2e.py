"""End to end in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright
through `executable_path`). The server runs in-process on a free 127.0.0.1 port.

A person's path: type sample 4 (the 401(k) check with 20% withheld, $40,000 redeposited
in 60 days) into the form, submit, read the findings, open a "why", download the filled
Form 8606 and the worksheet summary and read them back with pypdf. Screenshots go to
tests/web/artifacts/ for a person to look at. Skips (with the reason) when Chromium or
Playwright is missing: `bash ci/browser.sh` installs both.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import shared_forms_dir
from webhelpers import pdf_fields, pdf_text

pytestmark = pytest.mark.e2e


def fill_person(page, name, ssn, birth):
    page.get_by_label("Name", exact=False).first.fill(name)
    page.fill('[name="taxpayer.ssn"]', ssn)
    page.fill('[name="taxpayer.birth_date"]', birth)


def enter_sample4(page):
    """Sample 4 typed in as a person would, by the labels on the page."""
    page.select_option('[name="tax_year"]', "2025")
    page.select_option('[name="filing_status"]', "single")
    you = page.locator("fieldset.person").first
    you.get_by_label("Name").fill("Jordan Lee")
    you.get_by_label("Social Security number (optional)").fill("400-44-5504")
    you.get_by_label("Date of birth").fill("1980-06-12")
    form = page.locator("section.form1099r").first
    form.get_by_label("Payer's name").fill("OldJob LLC 401(k) Plan")
    form.get_by_label("Payer's TIN").fill("27-9876543")
    form.get_by_label("Account number").fill("OJ-5521")
    form.get_by_label("Box 1 · Gross distribution").fill("50,000")
    form.get_by_label("Box 2a · Taxable amount").fill("50000")
    form.get_by_label("Box 2b · Total distribution").check()
    form.get_by_label("Box 4 · Federal income tax withheld").fill("$10,000")
    form.get_by_label("First code").select_option("1")
    form.get_by_label("Date paid").fill("2025-03-03")
    form.get_by_label("What happened").select_option("indirect_rollover")
    form.get_by_label("Amount", exact=True).fill("40000")
    form.get_by_label("Into").select_option("traditional_ira")
    form.get_by_label("Date deposited (60-day rollover only)").fill("2025-04-25")
    # the year-end IRA value: under "Traditional IRA facts", opened by the rollover into an IRA
    ira = you.locator("details").filter(has_text="Traditional IRA facts")
    if not ira.evaluate("d => d.open"):
        ira.locator("summary").click()
    ira.get_by_label("Value of all traditional, SEP and SIMPLE IRAs on December 31").fill("41250")
    page.get_by_label("Taxable income from everything else").fill("65000")


def test_sample4_in_chromium(page, live_server, artifacts):
    page.goto(live_server.url + "/")
    assert page.title().startswith("Enter your Form 1099-R")
    enter_sample4(page)
    page.screenshot(path=str(artifacts / "form-sample4.png"), full_page=True)
    page.get_by_role("button", name="Check my return").last.click()
    page.wait_for_url(re.compile(r"/check$"))
    assert page.locator("h1").inner_text() == "Your 2025 results"

    # the findings, with their fixes
    findings = page.locator("#findings")
    shortfall = findings.locator("li.finding").filter(has_text="WITHHOLDING_SHORTFALL")
    assert shortfall.count() == 1
    msg = shortfall.inner_text()
    assert "$10,000 withheld" in msg and "$40,000 was rolled over within 60 days" in msg
    assert "How to fix it:" in msg and "line 5b" in msg

    # Form 1040 lines and a "why"
    row5b = page.locator("#line-f1040-line5b")
    assert "10,000" in row5b.locator(".amt").inner_text()
    row5b.locator("summary").click()
    tree = row5b.locator("ul.why-tree")
    assert tree.is_visible()
    assert "sum of taxable parts" in tree.inner_text()
    assert "10,000" in page.locator("#line-f1040-line25b .amt").inner_text()
    assert "3,200" in page.locator(".key-numbers").inner_text()
    page.screenshot(path=str(artifacts / "results-sample4.png"), full_page=True)

    # downloads: the filled Form 8606 and the worksheet summary, read back with pypdf
    with page.expect_download() as d:
        page.get_by_role("button", name="Form 8606 (PDF)").click()
    f8606 = Path(d.value.path()).read_bytes()
    assert f8606.startswith(b"%PDF-")
    if shared_forms_dir() is not None:
        assert d.value.suggested_filename == "f8606-2025.pdf"
        v = pdf_fields(f8606)
        assert v["name"] == "Jordan Lee" and v["ssn"] == "400-44-5504"
        # sample 4 needs no Form 8606 (a plan rollover, no basis): every line is blank
        assert all(v[k] == "" for k in ("1", "2", "6", "7", "15c", "16", "18"))
    else:
        assert d.value.suggested_filename == "f8606-2025-facsimile.pdf"
        assert "8606" in pdf_text(f8606)
    with page.expect_download() as d:
        page.get_by_role("button", name="Worksheet summary (PDF)").click()
    assert d.value.suggested_filename == "worksheets-2025.pdf"
    t = pdf_text(Path(d.value.path()).read_bytes())
    assert "Jordan Lee" in t and "***-**-5504" in t and "400-44-5504" not in t
    assert "50,000" in t and "40,000" in t and "10,000" in t
    with page.expect_download() as d:
        page.get_by_role("button", name="Findings report (PDF)").click()
    assert "WITHHOLDING_SHORTFALL" in pdf_text(Path(d.value.path()).read_bytes())
    with page.expect_download() as d:
        page.get_by_role("button", name="Your answers as YAML").click()
    y = Path(d.value.path()).read_text()
    assert "indirect_rollover" in y and "2025-04-25" in y

    # and back to the form with everything still there
    page.get_by_role("button", name="Change my answers").click()
    assert page.locator('[name="forms_1099r[0].uses[0].date"]').input_value() == "2025-04-25"
    assert page.locator('[name="forms_1099r[0].box1"]').input_value() == "50000"


def test_backdoor_roth_with_javascript_off(browser, live_server, artifacts):
    """Sample 6a with scripts disabled: add a money row with the submit button, see Form 8606
    lines, download the filled Form 8606 and check its lines."""
    ctx = browser.new_context(java_script_enabled=False, accept_downloads=True, viewport={"width": 1000, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(live_server.url + "/")
        page.fill('[name="taxpayer.name"]', "Riley Chen")
        page.fill('[name="taxpayer.ssn"]', "400667706")
        page.fill('[name="taxpayer.birth_date"]', "1985-08-20")
        f = 'forms_1099r[0].'
        page.fill(f'[name="{f}payer.name"]', "Brokerage Trust Co")
        page.fill(f'[name="{f}box1"]', "7000")
        page.fill(f'[name="{f}box2a"]', "7000")
        page.check(f'[name="{f}box2b_not_determined"]')
        page.select_option(f'[name="{f}box7[0]"]', "2")
        page.check(f'[name="{f}box7_ira_sep_simple"]')
        page.fill(f'[name="{f}date_paid"]', "2025-02-20")
        page.select_option(f'[name="{f}uses[0].kind"]', "conversion")
        # no script: "Update the questions" posts the form; the IRA facts open because of the conversion
        with page.expect_navigation():
            page.get_by_role("button", name="Update the questions").click()
        assert page.locator("details.more").filter(has_text="Traditional IRA facts").first.evaluate("d => d.open")
        page.fill(f'[name="{f}uses[0].amount"]', "7000")
        page.select_option(f'[name="{f}uses[0].to"]', "roth_ira")
        page.fill('[name="taxpayer.ira.nondeductible_contributions"]', "7000")
        page.fill('[name="taxpayer.ira.prior_basis"]', "0")
        page.fill('[name="taxpayer.ira.year_end_value"]', "0")
        page.fill('[name="income.other_taxable_income"]', "180000")
        # one more 1099-R block and then none: the page re-renders without script
        # each click posts the form: the count is read once the new page has loaded (it read the old one, or none,
        # now and then)
        with page.expect_navigation():
            page.get_by_role("button", name="Add another Form 1099-R").click()
        assert page.locator("section.form1099r").count() == 2
        with page.expect_navigation():
            page.get_by_role("button", name="Remove Form 1099-R 2").click()
        assert page.locator("section.form1099r").count() == 1
        with page.expect_navigation():
            page.get_by_role("button", name="Check my return").last.click()
        assert page.locator("h1").inner_text() == "Your 2025 results"
        lines = page.locator("#f8606").inner_text()
        assert re.search(r"10\s+Divide line 5 by line 9 \(at most 1\.000\)\s+1\.000", lines)
        assert re.search(r"18\s+Taxable amount of the conversion", lines)
        # without script the "why" still opens (it is <details>)
        page.locator("#line-f8606-taxpayer-line10 summary").click()
        assert page.locator("#line-f8606-taxpayer-line10 ul.why-tree").is_visible()
        page.screenshot(path=str(artifacts / "results-backdoor-nojs.png"), full_page=True)
        with page.expect_download() as d:
            page.get_by_role("button", name="Form 8606 (PDF)").click()
        data = Path(d.value.path()).read_bytes()
        if shared_forms_dir() is not None:
            v = pdf_fields(data)
            assert v["name"] == "Riley Chen" and v["ssn"] == "400-66-7706"
            assert (v["1"], v["3"], v["5"], v["8"], v["9"], v["11"], v["16"], v["17"], v["18"]) == \
                ("7,000",) * 8 + ("0",)
            assert (v["10.int"], v["10.dec"]) == ("1", "000")
        else:
            t = pdf_text(data)
            assert "7,000" in t and "1.000" in t
    finally:
        ctx.close()


def test_mistakes_are_shown_next_to_the_fields(page, live_server, artifacts):
    page.goto(live_server.url + "/")
    page.fill('[name="taxpayer.name"]', "Pat Doe")
    page.fill('[name="forms_1099r[0].box1"]', "ten thousand")
    # Enter in a text field submits with the default action (check), not "add another"
    page.press('[name="forms_1099r[0].box1"]', "Enter")
    page.wait_for_selector(".error-summary")
    summary = page.locator(".error-summary")
    from playwright.sync_api import expect
    # web.js moves the focus on DOMContentLoaded, which can come after the element appears
    # (a deferred script): expect retries until it comes, and fails if it never does.
    expect(summary, "the summary gets the focus").to_be_focused(timeout=5000)
    box1 = page.locator(".field.has-error").filter(has=page.locator('[name="forms_1099r[0].box1"]'))
    assert "Enter an amount in dollars" in box1.inner_text()
    assert page.locator('[name="forms_1099r[0].box1"]').get_attribute("aria-invalid") == "true"
    assert page.locator("section.form1099r").count() == 1
    # the link in the summary moves to the field
    summary.get_by_role("link", name=re.compile("Enter an amount in dollars")).click()
    assert page.evaluate("location.hash") == "#f-forms_1099r-0-box1"
    page.screenshot(path=str(artifacts / "form-errors.png"), full_page=False)


def test_keyboard_only_can_reach_and_use_the_form(page, live_server):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to the main content"
    seen = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        seen.add(page.evaluate("document.activeElement.name || document.activeElement.textContent.trim()"))
    for name in ("_upload_1099r", "tax_year", "filing_status", "taxpayer.name", "taxpayer.birth_date"):
        assert name in seen, f"{name} not reachable with Tab"
    # the visually hidden default button is not a tab stop
    assert "Check my return" not in list(seen)[:3]


def test_the_why_script_hides_only_what_does_not_apply(page, live_server):
    page.goto(live_server.url + "/")
    row = page.locator(".use-row").first
    row.locator("select").first.select_option("qcd")
    assert not row.locator(".use-date input").is_visible()
    row.locator("select").first.select_option("indirect_rollover")
    assert row.locator(".use-date input").is_visible()
