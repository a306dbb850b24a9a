"""Rollovers: the 60-day window and waivers, eligibility, once per 12 months, withholding, Notice 2014-54."""
import pytest

from chkhelp import codes, errors, form, ira_form, only, person, result, run, scenario

YOUNG = "1983-03-01"   # age 42 in 2025: early, no RMDs
OLD = "1950-01-01"     # RMD age (72) reached long ago


def ira_rollover(deposited, paid="2025-03-01", birth=YOUNG, waiver=None, **kw):
    use = {"kind": "indirect_rollover", "to": "traditional_ira", "amount": 10000, "date": deposited}
    if waiver:
        use["waiver"] = waiver
    return scenario([ira_form("ira1", 10000, ("1",), paid=paid, uses=[use], **kw)],
                    taxpayer=person(birth=birth, ira={"ever_nondeductible": False}))


# --- 60 days (rules.md §6.1: deadline = receipt + 60 days) ---------------------------------------

def test_day_61_is_late():
    f = only(run(ira_rollover("2025-05-01")), "ROLLOVER_60_DAY_LATE")
    assert f.severity == "error" and f.record == "ira1" and f.field == "forms_1099r[0].uses[0].date"
    for s in ("$10,000", "Mar 1, 2025", "May 1, 2025", "61 days", "Apr 30, 2025", "10% additional tax"):
        assert s in f.message, s


def test_day_60_is_on_time():
    found = run(ira_rollover("2025-04-30"))
    assert not codes(found) & {"ROLLOVER_60_DAY_LATE", "ROLLOVER_SELF_CERTIFIED"}
    assert errors(found) == []


def test_self_certification_accepted_is_a_warning():
    waiver = {"kind": "self_certification", "reason": 2, "reason_ended": "2025-05-20"}
    f = only(run(ira_rollover("2025-06-19", waiver=waiver)), "ROLLOVER_SELF_CERTIFIED")
    assert f.severity == "warning" and "examination" in f.message and f.field == "forms_1099r[0].uses[0].waiver"


def test_self_certification_30th_day_after_the_reason_ended():
    waiver = {"kind": "self_certification", "reason": 2, "reason_ended": "2025-05-20"}
    found = run(ira_rollover("2025-06-19", waiver=waiver))  # 30 days after May 20
    assert "SELF_CERT_30_DAY" not in codes(found)


def test_self_certification_31st_day_after_the_reason_ended():
    waiver = {"kind": "self_certification", "reason": 2, "reason_ended": "2025-05-20"}
    f = only(run(ira_rollover("2025-06-20", waiver=waiver)), "SELF_CERT_30_DAY")
    assert "31 days" in f.message and "Jun 19, 2025" in f.message and f.severity == "warning"
    assert "counts it as a rollover" in f.message and "as soon as practicable" in f.message


def test_self_certification_incomplete():
    f = only(run(ira_rollover("2025-06-01", waiver={"kind": "self_certification", "reason": 4})),
             "SELF_CERT_INCOMPLETE")
    assert "the date the reason ended" in f.message
    complete = {"kind": "self_certification", "reason": 4, "reason_ended": "2025-05-25"}
    assert "SELF_CERT_INCOMPLETE" not in codes(run(ira_rollover("2025-06-01", waiver=complete)))


def test_automatic_waiver_within_one_year():
    f = only(run(ira_rollover("2026-01-10", paid="2025-01-10", waiver={"kind": "automatic"})),
             "ROLLOVER_AUTOMATIC_WAIVER")
    assert f.severity == "info"


def test_automatic_waiver_after_one_year_is_late():
    found = run(ira_rollover("2026-01-11", paid="2025-01-10", waiver={"kind": "automatic"}))
    assert "ROLLOVER_AUTOMATIC_WAIVER" not in codes(found)
    assert "does not extend" in only(found, "ROLLOVER_60_DAY_LATE").message


def test_plr_waiver():
    f = only(run(ira_rollover("2025-08-01", waiver={"kind": "private_letter_ruling", "reference": "PLR 202512345"})),
             "ROLLOVER_PLR_WAIVER")
    assert "PLR 202512345" in f.message and f.severity == "info"
    assert "ROLLOVER_PLR_WAIVER" not in codes(run(ira_rollover("2025-04-30")))


def test_postponed_deadline():
    waiver = {"kind": "disaster_postponement", "deadline": "2025-06-30"}
    f = only(run(ira_rollover("2025-06-30", waiver=waiver)), "ROLLOVER_POSTPONED_DEADLINE")
    assert "Jun 30, 2025" in f.message
    late = run(ira_rollover("2025-07-01", waiver=waiver))
    assert "ROLLOVER_POSTPONED_DEADLINE" not in codes(late) and "ROLLOVER_60_DAY_LATE" in codes(late)


# --- what cannot be rolled over (rules.md §6.3) --------------------------------------------------

def _plan_rollover(**kw):
    use = {"kind": "indirect_rollover", "to": "traditional_ira", "amount": 8000, "date": "2025-03-20"}
    return scenario([form("p1", 10000, ("1",), box2a=10000, box4=2000, uses=[use], **kw)],
                    taxpayer=person(birth=YOUNG))


def test_hardship_distribution_rolled_over():
    f = only(run(_plan_rollover(hardship=True)), "ROLLOVER_NOT_ELIGIBLE")
    assert "hardship" in f.message and f.severity == "error"
    assert "ROLLOVER_NOT_ELIGIBLE" not in codes(run(_plan_rollover()))


def test_rmd_rolled_over():
    assert only(run(_plan_rollover(rmd_year=True)), "ROLLOVER_OF_RMD").severity == "error"
    assert "ROLLOVER_OF_RMD" not in codes(run(_plan_rollover()))


def test_rollover_in_an_rmd_year_unconfirmed():
    f = only(run(ira_rollover("2025-03-20", birth=OLD)), "RMD_YEAR_ROLLOVER_UNCONFIRMED")
    assert f.severity == "warning" and "72" in f.message
    assert "RMD_YEAR_ROLLOVER_UNCONFIRMED" not in codes(run(ira_rollover("2025-03-20", birth=YOUNG)))


def test_rmd_age_70_half_is_written_so():
    """Born before July 1, 1949: the applicable age is 70½ (IRC §401(a)(9)(C) before SECURE; audit 5 P1)."""
    f = only(run(ira_rollover("2025-03-20", birth="1949-02-02")), "RMD_YEAR_ROLLOVER_UNCONFIRMED")
    assert "(70½)" in f.message


def _rmd_case(rolled, rmd_amount, kind="indirect_rollover", to="traditional_ira", ira=False):
    use = {"kind": kind, "to": to, "amount": rolled}
    if kind == "indirect_rollover":
        use["date"] = "2025-04-01"
    extra = {"rmd_amount": rmd_amount} if rmd_amount is not None else {}
    maker = ira_form if ira else form
    f = maker("d", 7200, ("7",), paid="2025-03-03", box2a=7200, rmd_year=True, uses=[use], **extra)
    return scenario([f], taxpayer=person(birth="1949-02-02", ira={"prior_basis": 0, "year_end_value": 50000}))


@pytest.mark.parametrize("name, data, line, taxable, rmd_refused", [
    # Reg. §1.402(c)-2 Q&A-7(a): RMD $5,000, $7,200 paid: "the first $5,000 ... will not be an eligible rollover
    # distribution and the remaining $2,200 will be" (audit 5 C19): $2,200 rolled, the cash kept is the RMD
    ("rest rolled", _rmd_case(2200, 5000), "5b", 5000, 0),
    # all $7,200 redeposited: $5,000 of it is the RMD, not a rollover (C19b)
    ("all rolled", _rmd_case(7200, 5000), "5b", 5000, 5000),
    # RMD size not given: all of the rollover taken as the RMD (as before)
    ("size not given", _rmd_case(7200, None), "5b", 7200, 7200),
    # an IRA conversion in an RMD year: the RMD part is a distribution, not converted (Reg. §1.408A-4 A-6)
    ("conversion", _rmd_case(7200, 3000, kind="conversion", to="roth_ira", ira=True), "4b", 7200, 3000),
])
def test_the_first_dollars_are_the_rmd(name, data, line, taxable, rmd_refused):
    lines = result(data).lines()
    assert lines[f"f1040.line{line}"] == taxable
    found = [f for f in run(data) if f.code == "ROLLOVER_OF_RMD"]
    assert (found[0].data["amount"] if found else 0) == rmd_refused


@pytest.mark.parametrize("first", ["on time", "late"])
def test_a_late_rollover_is_money_kept_toward_the_rmd(first):
    """$10,000 paid, RMD $5,000 due: $5,000 redeposited on time and $5,000 late. The late one is no rollover, so it
    is the RMD (kept); the one on time stands, whatever the order of the uses (5b 5,000)."""
    on_time = {"kind": "indirect_rollover", "to": "traditional_ira", "amount": 5000, "date": "2025-04-01"}
    late = {"kind": "indirect_rollover", "to": "traditional_ira", "amount": 5000, "date": "2025-07-01"}
    uses = [on_time, late] if first == "on time" else [late, on_time]
    data = scenario([form("d", 10000, ("7",), paid="2025-03-03", box2a=10000, rmd_amount=5000, uses=uses)],
                    taxpayer=person(birth="1949-02-02", ira={"prior_basis": 0, "year_end_value": 50000}))
    assert result(data).lines()["f1040.line5b"] == 5000
    assert "ROLLOVER_OF_RMD" not in codes(run(data))


def test_rmd_amount_alone_means_an_rmd_year():
    data = _rmd_case(7200, 5000)
    data["forms_1099r"][0]["rmd_year"] = False
    assert result(data).lines()["f1040.line5b"] == 5000


def test_a_form_with_nothing_in_box_1_computes():
    data = scenario([form("z", 0, ("7",), box2a=0, rmd_amount=100)], taxpayer=person(birth="1949-02-02"))
    assert result(data).lines()["f1040.line5a"] in (None, 0)


@pytest.mark.parametrize("extra, birth, required", [
    ({"rmd_amount": 5000}, "1949-02-02", "$3,000"),                              # 20% of the 15,000 above the RMD
    ({"exceptions": [{"number": "22", "amount": 4000}]}, "1980-02-02", "$3,200"),  # 20% of the 16,000 not claimed as 22
])
def test_mandatory_20_percent_on_the_eligible_part_only(extra, birth, required):
    data = scenario([form("p", 20000, ("7",), box2a=20000, box4=0, box2b_total_distribution=True, **extra)],
                    taxpayer=person(birth=birth))
    assert required in only(run(data), "WITHHOLDING_NOT_20_PERCENT").message


@pytest.mark.parametrize("name, kw, birth, warned", [
    # a monthly pension (code 7, not a total distribution, nothing rolled): periodic payments are not eligible
    # rollover distributions (IRC §402(c)(4)(A)), so 10% withheld is no sign of a mistake (audit 7 case 43)
    ("monthly pension", {}, "1958-02-02", False),
    # a total distribution at 76 with no RMD amount given: part of it is the RMD (§402(c)(4)(B)) (case 44)
    ("lump sum in an RMD year", {"box2b_total_distribution": True}, "1949-02-02", False),
    # the same lump sum at 62: an eligible rollover distribution, 20% was due
    ("lump sum at 62", {"box2b_total_distribution": True}, "1963-02-02", True),
])
def test_no_20_percent_warning_where_the_payment_may_not_be_eligible(name, kw, birth, warned):
    data = scenario([form("p", 20000, ("7",), box2a=20000, box4=2000, **kw)], taxpayer=person(birth=birth))
    assert ("WITHHOLDING_NOT_20_PERCENT" in codes(run(data))) is warned, name


def test_rmd_part_of_a_conversion_is_a_distribution_on_form_8606():
    lines = result(_rmd_case(7200, 3000, kind="conversion", to="roth_ira", ira=True)).lines()
    assert lines["f8606.taxpayer.line16"] == 4200   # converted: 7,200 less the 3,000 RMD (Part II, no basis)
    assert lines["f1040.line4a"] == 7200


def _inherited(nonspouse):
    use = {"kind": "indirect_rollover", "to": "traditional_ira", "amount": 10000, "date": "2025-03-20"}
    return scenario([ira_form("inh", 10000, ("4",), uses=[use], nonspouse_beneficiary=nonspouse)],
                    taxpayer=person(birth=YOUNG))


def test_non_spouse_beneficiary_60_day_rollover():
    f = only(run(_inherited(True)), "INHERITED_60_DAY_ROLLOVER")
    assert "trustee-to-trustee" in f.message
    assert "INHERITED_60_DAY_ROLLOVER" not in codes(run(_inherited(False)))


# --- once per 12 months (rules.md §6.4) -----------------------------------------------------------

def _second(paid):
    use = {"kind": "indirect_rollover", "to": "traditional_ira", "amount": 10000, "date": paid}
    return scenario([ira_form("ira2", 10000, ("1",), paid=paid, uses=[use])],
                    taxpayer=person(birth=YOUNG, ira={"ever_nondeductible": False},
                                    rollovers_last_12_months=[{"distribution_date": "2024-06-01"}]))


def test_second_rollover_within_12_months():
    f = only(run(_second("2025-05-31")), "ROLLOVER_ONCE_PER_YEAR")
    assert "Jun 1, 2024" in f.message and "Jun 1, 2025" in f.message and f.severity == "error"


def test_rollover_on_the_anniversary_is_allowed():
    assert "ROLLOVER_ONCE_PER_YEAR" not in codes(run(_second("2025-06-01")))


# --- 20% withholding (rules.md §6.5; EX-19, EX-25) ------------------------------------------------

def jordan(rolled):
    """EX-19: Jordan, 42, 10,000 eligible rollover distribution, 2,000 withheld."""
    use = {"kind": "indirect_rollover", "to": "traditional_ira", "amount": rolled, "date": "2025-04-15"}
    return scenario([form("401k", 10000, ("1",), paid="2025-03-01", box2a=10000, box4=2000, uses=[use])],
                    taxpayer=person(birth=YOUNG))


def test_withholding_shortfall_ex19_case1():
    """Rolls over 8,000: 2,000 taxable, 10% = 200 (EX-19 case 1)."""
    f = only(run(jordan(8000)), "WITHHOLDING_SHORTFALL")
    assert f.severity == "warning" and f.record == "401k"
    assert "$2,000" in f.message and "$8,000" in f.message and "$200" in f.message
    assert "tax withheld" in f.message  # the shortfall equals box 4


def test_withholding_shortfall_ex19_case2():
    """Rolls over the full 10,000 with 2,000 from other funds: nothing taxable (EX-19 case 2)."""
    found = run(jordan(10000))
    assert "WITHHOLDING_SHORTFALL" not in codes(found)
    assert result(jordan(10000)).graph["f1040.line5b"] == 0


def test_withholding_shortfall_not_equal_to_box4():
    f = only(run(jordan(7000)), "WITHHOLDING_SHORTFALL")
    assert "$3,000" in f.message and "it is the tax withheld" not in f.message


def test_withholding_shortfall_fix_names_what_was_needed():
    """EX-19 case 1: all 10,000 was pre-tax, so 2,000 had to come from other money. With 20,000 of after-tax money
    (box 5) in a 100,000 payment, 84,000 received and 70,000 rolled: rolling the 80,000 of pre-tax money out of the
    84,000 received would have been enough (IRC §402(c)(2)): nothing from other money (audit 12 c18)."""
    assert "needed $2,000 of it made up from other money" in only(run(jordan(8000)), "WITHHOLDING_SHORTFALL").fix
    use = {"kind": "indirect_rollover", "to": "traditional_ira", "amount": 70000, "date": "2025-03-15"}
    data = scenario([form("401k", 100000, ("1",), paid="2025-02-01", box2a=80000, box5=20000, box4=16000,
                          uses=[use])], taxpayer=person(birth=YOUNG))
    f = only(run(data), "WITHHOLDING_SHORTFALL")
    assert "$10,000" in f.message and "other money" not in f.fix
    assert "Rolling over the $80,000 of pre-tax money, out of the $84,000 received" in f.fix


def test_withholding_shortfall_ex25_roth():
    """EX-25 C: 50,000 paid, 10,000 withheld, 40,000 redeposited in a Roth IRA: 10,000 distributed (+1,000)."""
    use = {"kind": "indirect_rollover", "to": "roth_ira", "amount": 40000, "date": "2025-04-15"}
    data = scenario([form("401k", 50000, ("1",), box2a=50000, box4=10000, uses=[use])], taxpayer=person(birth=YOUNG))
    f = only(run(data), "WITHHOLDING_SHORTFALL")
    assert "$10,000" in f.message and "$1,000" in f.message


def test_no_withholding_shortfall_without_a_rollover():
    data = scenario([form("401k", 10000, ("1",), box2a=10000, box4=2000)], taxpayer=person(birth=YOUNG))
    assert "WITHHOLDING_SHORTFALL" not in codes(run(data))


def test_withholding_not_20_percent():
    data = scenario([form("401k", 10000, ("1",), box2a=10000, box4=1000)], taxpayer=person(birth=YOUNG))
    f = only(run(data), "WITHHOLDING_NOT_20_PERCENT")
    assert "$2,000" in f.message and "$1,000" in f.message and f.field == "forms_1099r[0].box4"


def test_withholding_not_20_percent_with_employer_securities():
    """Audit (session 18): a distribution with employer securities (box 6) is withheld from only the cash and other
    property paid (IRC §3405(e)(8)); the form does not show how much that was, so the warning says so."""
    data = scenario([form("401k", 100000, ("1",), box2a=40000, box6=60000)], taxpayer=person(birth=YOUNG))
    f = only(run(data), "WITHHOLDING_NOT_20_PERCENT")
    assert "$8,000" in f.message and "§3405(e)(8)" in f.message and "box 6" in f.message
    plain = scenario([form("401k", 40000, ("1",), box2a=40000)], taxpayer=person(birth=YOUNG))
    assert "§3405(e)(8)" not in only(run(plain), "WITHHOLDING_NOT_20_PERCENT").message


@pytest.mark.parametrize("name, box1, offset, box4, warned", [
    # Reg. §1.402(c)-2 Q&A-9 Ex. 1: a 3,000 plan loan offset alone (reported with code 1, not M): no cash, so no
    # withholding is required (audit 11 a9: the warning asked for 600)
    ("offset alone", 3000, 3000, 0, False),
    # Ex. 2: 7,000 cash + the 3,000 offset: 20% of 10,000 = 2,000, withheld from the cash
    ("cash and offset, 2,000 withheld", 10000, 3000, 2000, False),
    ("cash and offset, 1,400 withheld", 10000, 3000, 1400, True),
    # the cash caps it: 1,000 cash + 9,000 offset: at most 1,000 can be withheld, not 2,000
    ("offset larger than the cash, all cash withheld", 10000, 9000, 1000, False),
    ("offset larger than the cash, 500 withheld", 10000, 9000, 500, True),
])
def test_plan_loan_offset_and_the_20_percent(name, box1, offset, box4, warned):
    data = scenario([form("401k", box1, ("1",), box2a=box1, box4=box4, loan_offset=offset)],
                    taxpayer=person(birth=YOUNG))
    found = [f for f in run(data) if f.code == "WITHHOLDING_NOT_20_PERCENT"]
    assert bool(found) is warned, name
    if name == "offset larger than the cash, 500 withheld":
        assert ("20% ($2,000)" in found[0].message and "$9,000 of box 1 is a plan loan offset" in found[0].message
                and "at most the cash paid ($1,000)" in found[0].message)


@pytest.mark.parametrize("offset, box4, warned", [
    (None, 0, False),    # code M alone: the whole box 1 is the qualified offset, no cash (as before)
    (6000, 2000, False),  # 4,000 cash with a 6,000 qualified offset: 20% of 10,000 is 2,000 (the cash covers it)
    (6000, 1000, True),
])
def test_code_m_qualified_offset_goes_through_the_same_cap(offset, box4, warned):
    kw = {"loan_offset": offset} if offset is not None else {}
    box1 = 10000 if offset else 6000
    data = scenario([form("401k", box1, ("M", "1") if offset else ("M",), box2a=box1, box4=box4, **kw)],
                    taxpayer=person(birth=YOUNG))
    assert ("WITHHOLDING_NOT_20_PERCENT" in codes(run(data))) is warned


def test_loan_offset_larger_than_box_1_is_refused():
    from taxdocs.errors import InputError
    from taxdocs.model.load import from_data
    with pytest.raises(InputError) as e:
        from_data(scenario([form("401k", 3000, ("1",), box2a=3000, loan_offset=4000)], taxpayer=person(birth=YOUNG)))
    assert any(p.path == "forms_1099r[0].loan_offset" for p in e.value.problems)


@pytest.mark.parametrize("number", ["19", "22", "23"])
def test_no_mandatory_20_percent_on_birth_abuse_or_emergency_distributions(number):
    """Not eligible rollover distributions (IRC §72(t)(2)(H)(vi); Notice 2024-55; Form W-4R): audit 5 C04, C06."""
    claimed = scenario([form("401k", 8000, ("1",), box2a=8000, box4=0, exceptions=[{"number": number}])],
                       taxpayer=person(birth=YOUNG))
    assert "WITHHOLDING_NOT_20_PERCENT" not in codes(run(claimed))
    other = scenario([form("401k", 8000, ("1",), box2a=8000, box4=0, exceptions=[{"number": "05"}])],
                     taxpayer=person(birth=YOUNG))
    assert "WITHHOLDING_NOT_20_PERCENT" in codes(run(other))


def test_withholding_20_percent_exactly():
    data = scenario([form("401k", 10000, ("1",), box2a=10000, box4=2000)], taxpayer=person(birth=YOUNG))
    assert "WITHHOLDING_NOT_20_PERCENT" not in codes(run(data))
    assert "WITHHOLDING_NOT_20_PERCENT" not in codes(run(jordan(8000)))


def test_withholding_20_percent_only_on_the_pretax_cash():
    """EX-23 B disallowed structure: 20% of the 8,000 pre-tax cash = 1,600 (sample 02b)."""
    from pathlib import Path
    from taxdocs.checks.run import check
    from taxdocs.model.load import load
    from taxdocs.rules.engine import compute
    sample = Path(__file__).resolve().parents[2] / "samples" / "02b-partial-distribution-disallowed-split.yaml"
    assert "WITHHOLDING_NOT_20_PERCENT" not in codes(check(compute(load(sample))))


def test_withholding_not_required_on_a_hardship_distribution():
    data = scenario([form("401k", 10000, ("1",), box2a=10000, box4=1000, hardship=True)], taxpayer=person(birth=YOUNG))
    assert "WITHHOLDING_NOT_20_PERCENT" not in codes(run(data))


# --- Notice 2014-54 (rules.md §5.3; EX-16, EX-23) --------------------------------------------------

def ex23b(pretax_choice):
    """EX-23 B: 40,000 from a 100,000 account holding 40,000 after-tax -> 24,000 pre-tax + 16,000 after-tax;
    16,000 sent directly to a Roth IRA, 24,000 paid in cash."""
    use = {"kind": "direct_rollover", "to": "roth_ira", "amount": 16000}
    if pretax_choice is not None:
        use["pretax"] = pretax_choice
    return scenario([form("p1", 40000, ("1",), box2a=24000, box5=16000, plan_account={"balance": 100000,
                                                                                     "after_tax": 40000},
                          uses=[use])], taxpayer=person(birth=YOUNG))


def test_notice_2014_54_choice_that_breaks_pretax_first():
    """The participant cannot send only after-tax money to the Roth while taking pre-tax cash (EX-23 B)."""
    f = only(run(ex23b(0)), "NOTICE_2014_54")
    assert f.severity == "error" and f.field == "forms_1099r[0].uses[0].pretax"
    assert "$16,000" in f.message and "$24,000" in f.message and "pre-tax money first" in f.message


def test_notice_2014_54_without_a_choice():
    found = run(ex23b(None))
    assert "NOTICE_2014_54" not in codes(found)
    res = result(ex23b(None))
    assert res.graph["taxpayer.roth.plan_rollovers_taxable"] == 16000   # EX-23 B derived
    assert res.graph["f1040.line5b"] == 24000


def test_notice_2014_54_allowed_choice_among_rollovers():
    """EX-16: 80,000 pre-tax to a traditional IRA, 10,000 after-tax to a Roth IRA, 10,000 after-tax in cash."""
    uses = [{"kind": "direct_rollover", "to": "traditional_ira", "amount": 80000, "pretax": 80000},
            {"kind": "direct_rollover", "to": "roth_ira", "amount": 10000, "pretax": 0}]
    data = scenario([form("p1", 100000, ("G",), box2a=0, box5=20000, plan_account={"balance": 100000,
                                                                                  "after_tax": 20000}, uses=uses)],
                    taxpayer=person(birth=YOUNG))
    found = run(data)
    assert "NOTICE_2014_54" not in codes(found)
    assert result(data).graph["f1040.line5b"] == 0


def test_notice_2014_54_choice_that_cannot_be_honoured():
    """Two rollovers choosing more pre-tax money than the distribution has."""
    uses = [{"kind": "direct_rollover", "to": "traditional_ira", "amount": 50000, "pretax": 50000},
            {"kind": "direct_rollover", "to": "traditional_ira", "amount": 50000, "pretax": 50000}]
    data = scenario([form("p1", 100000, ("G",), box2a=0, box5=20000, plan_account={"balance": 100000,
                                                                                  "after_tax": 20000}, uses=uses)],
                    taxpayer=person(birth=YOUNG))
    f = only(run(data), "NOTICE_2014_54")
    assert "could be given" in f.message and "$30,000" in f.message


# --- qualified plan loan offsets (code M): until the extended due date (IRC §402(c)(3)(C); rules.md §6.1) ------

def loan_offset(deposited, codes_=("M", "1"), paid="2025-06-02"):
    use = {"kind": "indirect_rollover", "to": "traditional_ira", "amount": 10000, "date": deposited}
    return scenario([form("offset", 10000, codes_, paid=paid, box2a=10000, uses=[use])], year=int(paid[:4]),
                    taxpayer=person(birth=YOUNG))


def test_loan_offset_rolled_over_after_60_days_but_by_the_extended_due_date():
    """Offset June 2, 2025, deposited March 16, 2026 (287 days): on time, 5b 0, no 10%."""
    data = loan_offset("2026-03-16")
    lines = result(data).lines()
    assert lines["f1040.line5a"] == 10000 and lines["f1040.line5b"] == 0 and lines["f5329.taxpayer.line4"] == 0
    assert "ROLLOVER_60_DAY_LATE" not in codes(run(data))


def test_loan_offset_deadline_is_october_15_or_the_next_business_day():
    # October 15, 2026 is a Thursday: the 15th is the last day
    assert "ROLLOVER_60_DAY_LATE" not in codes(run(loan_offset("2026-10-15")))
    f = only(run(loan_offset("2026-10-16")), "ROLLOVER_60_DAY_LATE")
    assert "Oct 15, 2026" in f.message or "2026-10-15" in f.message, f.message
    # October 15, 2028 is a Sunday: Monday the 16th is still on time (IRC §7503)
    assert "ROLLOVER_60_DAY_LATE" not in codes(run(loan_offset("2028-10-16", paid="2027-02-01")))
    assert "ROLLOVER_60_DAY_LATE" in codes(run(loan_offset("2028-10-17", paid="2027-02-01")))


def test_a_plan_distribution_without_code_m_keeps_60_days():
    f = only(run(loan_offset("2025-10-01", codes_=("1",))), "ROLLOVER_60_DAY_LATE")
    assert "Aug 1, 2025" in f.message or "2025-08-01" in f.message, f.message


# --- annuity payments are not eligible rollover distributions (IRC §402(c)(4)(A)) ---------------------------

def annuity_payments(rolled=None):
    kw = {"box2b_not_determined": True, "box9b": 31000,
          "annuity": {"start_date": "2024-01-01", "age_at_start": 65, "joint_age_at_start": 125,
                      "payments_this_year": 12}}
    if rolled:
        kw["uses"] = [{"kind": "indirect_rollover", "to": "traditional_ira", "amount": rolled, "date": "2025-03-15"}]
    return scenario([form("pension", 14400, ("7",), paid="2025-03-01", **kw)], taxpayer=person(birth="1958-06-01"))


def test_annuity_payments_cannot_be_rolled_over_and_need_no_20_percent():
    f = only(run(annuity_payments(1200)), "ROLLOVER_NOT_ELIGIBLE")
    assert "annuity payment" in f.message and f.severity == "error"
    assert result(annuity_payments(1200)).lines()["f1040.line5c"] == []       # no "Rollover" notation
    assert "WITHHOLDING_NOT_20_PERCENT" not in codes(run(annuity_payments()))
    # Pub. 575 Worksheet A with these facts (Bill Smith): 100 a month tax free, 13,200 taxable
    assert result(annuity_payments()).lines()["f1040.line5b"] == 13200


# --- code G with a taxable amount: Roth IRA or in-plan Roth rollover (i1099r code G) --------------------------

def code_g(uses=None):
    kw = {"uses": uses} if uses else {}
    return scenario([form("g", 20000, ("G",), box2a=18000, box5=2000, **kw)], taxpayer=person(birth=YOUNG))


def test_code_g_taxable_without_uses_is_flagged_and_provisional():
    res = result(code_g())
    lines = res.lines()
    assert lines["f1040.line5a"] == 20000 and lines["f1040.line5b"] == 18000
    assert res.graph.status("taxpayer.roth.plan_rollovers") == "provisional"
    f = only(run(code_g()), "ROTH_DESTINATION_ASSUMED")
    assert f.severity == "warning" and "$20,000" in f.message and f.field == "forms_1099r[0].uses"


def test_code_g_with_the_destination_given_is_not_flagged():
    for uses in ([{"kind": "direct_rollover", "to": "roth_ira", "amount": 20000}],
                 [{"kind": "in_plan_roth_rollover", "amount": 20000}]):
        res = result(code_g(uses))
        assert res.graph.status("taxpayer.roth.plan_rollovers") == "complete"
        assert "ROTH_DESTINATION_ASSUMED" not in codes(run(code_g(uses)))
    untaxed = scenario([form("g0", 20000, ("G",), box2a=0)], taxpayer=person(birth=YOUNG))  # to a traditional IRA
    assert "ROTH_DESTINATION_ASSUMED" not in codes(run(untaxed))


def test_simplified_method_figure_replaces_a_larger_box_2a():
    """Pub. 575 Worksheet A line 9: a larger taxable amount on the 1099-R gives way to the worksheet's (13,200)."""
    def bill(box2a):
        d = annuity_payments()
        d["forms_1099r"][0].update(box2b_not_determined=False, box2a=box2a)
        return d
    assert result(bill(14400)).lines()["f1040.line5b"] == 13200
    assert result(bill(12000)).lines()["f1040.line5b"] == 12000   # the payer's smaller figure stands


# --- IRA to employer plan: only the pre-tax money, and it goes first (IRC §408(d)(3)(A)(ii), (H)(ii)) ----------

def _ira_to_plan(rolled, converted, basis=92000, value=0):
    return scenario([ira_form("to-401k", rolled, ("G",), paid="2025-11-03", box2a=0, box2b_not_determined=False,
                              uses=[{"kind": "direct_rollover", "to": "plan", "amount": rolled}]),
                     ira_form("convert", converted, ("2",), paid="2025-12-01",
                              uses=[{"kind": "conversion", "to": "roth_ira", "amount": converted}])],
                    taxpayer=person(birth="1970-01-01", ira={"prior_basis": basis, "year_end_value": value}))


def test_ira_to_plan_rollover_takes_the_pretax_money_first():
    """irahelp 62162 (A3, audit 4 C16): 310,000 in IRAs with 92,000 basis; the pre-tax 218,000 to the 401(k),
    then the 92,000 converted: no tax, no basis left."""
    data = _ira_to_plan(218000, 92000)
    g = result(data).graph
    assert (g["f8606.taxpayer.line18"], g["f8606.taxpayer.basis_next_year"], g["f1040.line4b"]) == (0, 0, 0)
    assert "IRA_TO_PLAN_OVER_PRETAX" not in codes(run(data))


def test_ira_to_plan_rollover_above_the_pretax_money():
    """Audit 4 probe P1: 250,000 to the plan leaves 32,000 of after-tax money that no plan can take; it is
    basis paid out (line 7), not basis left for the conversion. Before, the conversion used it again and
    32,000 of basis was carried into next year."""
    data = _ira_to_plan(250000, 60000)
    g = result(data).graph
    assert (g["f8606.taxpayer.line7"], g["f8606.taxpayer.line8"]) == (32000, 60000)
    assert (g["f8606.taxpayer.line18"], g["f8606.taxpayer.basis_next_year"], g["f1040.line4b"]) == (0, 0, 0)
    f = only(run(data), "IRA_TO_PLAN_OVER_PRETAX")
    assert "$32,000" in f.message and "$218,000" in f.message and f.record == "to-401k"


@pytest.mark.parametrize("to, nonspouse, eligible", [
    ("traditional_ira", True, False),     # a non-spouse beneficiary into their own IRA: not a rollover
    ("inherited_ira", True, True),        # into an inherited IRA: the one way (IRC §402(c)(11))
    ("inherited_roth_ira", True, True),   # a plan's money into an inherited Roth IRA: a taxable conversion, allowed
    ("traditional_ira", False, True),     # a spouse may roll into their own IRA
])
def test_a_non_spouse_beneficiarys_direct_rollover_goes_only_to_an_inherited_ira(to, nonspouse, eligible):
    use = {"kind": "direct_rollover", "to": to, "amount": 50000}
    data = scenario([form("k", 50000, ("4", "G"), box2a=0, uses=[use], nonspouse_beneficiary=nonspouse)],
                    taxpayer=person(birth=YOUNG))
    found = codes(run(data))
    assert ("ROLLOVER_NOT_ELIGIBLE" not in found) is eligible
    if not eligible:
        assert result(data).lines()["f1040.line5b"] == 50000


def test_a_non_spouse_beneficiarys_4g_with_no_uses_goes_to_an_inherited_ira():
    """Codes 4+G, no `uses`: the payer moved it to an inherited IRA (the only place it can go, IRC §402(c)(11))."""
    data = scenario([form("k", 50000, ("4", "G"), box2a=0, nonspouse_beneficiary=True)], taxpayer=person(birth=YOUNG))
    assert "ROLLOVER_NOT_ELIGIBLE" not in codes(run(data)) and result(data).lines()["f1040.line5b"] == 0


def test_an_inherited_ira_is_not_converted_by_a_non_spouse_beneficiary():
    use = {"kind": "direct_rollover", "to": "inherited_roth_ira", "amount": 10000}
    data = scenario([ira_form("inh", 10000, ("4",), uses=[use], nonspouse_beneficiary=True, source="inherited_ira")],
                    taxpayer=person(birth=YOUNG))
    assert "ROLLOVER_NOT_ELIGIBLE" in codes(run(data))


def test_a_spouse_keeping_an_inherited_ira_may_roll_into_their_own():
    """IRC §408(d)(3)(C)(ii): an IRA is "inherited" only for someone other than the surviving spouse; listed under
    inherited_iras for its basis, not marked non-spouse: the rollover stands."""
    use = {"kind": "direct_rollover", "to": "traditional_ira", "amount": 20000}
    data = scenario([ira_form("inh", 20000, ("4",), uses=[use], source="inherited_ira")],
                    taxpayer=person(birth=YOUNG, inherited_iras=[{"decedent": "Sam", "basis": 0}]))
    assert "ROLLOVER_NOT_ELIGIBLE" not in codes(run(data)) and result(data).lines()["f1040.line4b"] == 0


def test_notice_2014_54_points_at_the_choice_that_cannot_stand():
    """Audit (session 18): of two chosen rollovers, the finding named the first (whose choice stood) and said
    "only $30,000 could be given" of a use that must take $30,000 more than it chose."""
    acct = {"balance": 200000, "after_tax": 50000}
    data = scenario([
        form("t", 120000, ("G",), box2a=0, group="june", plan_account=acct,
             uses=[{"kind": "direct_rollover", "to": "traditional_ira", "amount": 120000, "pretax": 120000}]),
        form("r", 50000, ("G",), box2a=30000, box5=20000, group="june", plan_account=acct,
             uses=[{"kind": "direct_rollover", "to": "roth_ira", "amount": 50000, "pretax": 0}]),
        form("c", 30000, ("7",), box2a=0, box5=30000, group="june", plan_account=acct)],
        taxpayer=person(birth=YOUNG))
    f = only(run(data), "NOTICE_2014_54")
    assert f.record == "r" and f.field.endswith("forms_1099r[1].uses[0].pretax")
    assert "could be given" not in f.message and "so it takes $30,000" in f.message
    assert result(data).graph["f1040.line5b"] == 30000


@pytest.mark.parametrize("uses, box4, warned", [
    ([{"kind": "direct_rollover", "to": "traditional_ira", "amount": 80000}], 16000, True),
    (None, 16000, True),                                                  # code G alone: all of it rolled directly
    ([{"kind": "direct_rollover", "to": "traditional_ira", "amount": 64000},
      {"kind": "cash", "amount": 16000}], 16000, False),                  # the withheld part entered as paid out
    ([{"kind": "direct_rollover", "to": "traditional_ira", "amount": 80000}], 0, False),
])
def test_tax_withheld_from_a_direct_rollover(uses, box4, warned):
    """Audit (session 18): box 4 on a code G form whose uses put all of box 1 into the IRA passed without a word;
    nothing is withheld from a direct rollover (IRC §3405(c)(2)), so the two cannot both be right."""
    kw = {"uses": uses} if uses is not None else {}
    data = scenario([form("g", 80000, ("G",), box2a=0, box4=box4, **kw)], taxpayer=person(birth=YOUNG))
    found = [f for f in run(data) if f.code == "DIRECT_ROLLOVER_WITHHELD"]
    assert bool(found) is warned
    if warned:
        assert "$64,000" in found[0].message and found[0].field == "forms_1099r[0].box4"
