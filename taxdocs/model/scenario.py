"""The scenario: one taxpayer-year as given. Parsing never computes.

Boxes of each Form 1099-R are kept exactly as issued; what happened to the money
(not on the form) lives beside them in `uses`.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Annotated, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

# bounded: far above any real amount, and well inside Decimal's 28 digits for the sums and ratios of a return
MAX_AMOUNT = Decimal("999999999999.99")
Money = Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, decimal_places=2, description="US dollars, not negative")]
MAX_NAME = 150  # longer than any name a form's line holds; the documents' layout stays readable (and quick)
SignedMoney = Annotated[Decimal, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT, decimal_places=2)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, populate_by_name=True)


class FilingStatus(str, Enum):
    single = "single"
    mfj = "mfj"
    mfs = "mfs"
    hoh = "hoh"
    qss = "qss"


# each filing status's name as the forms print it (documents, web page), and the words read as it (input)
FILING_STATUS_NAMES = {"single": "Single", "mfj": "Married filing jointly", "mfs": "Married filing separately",
                       "hoh": "Head of household", "qss": "Qualifying surviving spouse"}
_STATUS_WORDS = {**{name.lower(): code for code, name in FILING_STATUS_NAMES.items()},
                 "married filing joint": "mfj", "joint": "mfj", "married filing separate": "mfs", "separate": "mfs",
                 "qualifying widow": "qss", "qualifying widow(er)": "qss", "qualifying widower": "qss", "qw": "qss"}


class Account(str, Enum):
    """Kinds of account money comes from or goes to."""
    traditional_ira = "traditional_ira"   # includes SEP and SIMPLE IRAs for Form 8606
    sep_ira = "sep_ira"
    simple_ira = "simple_ira"
    roth_ira = "roth_ira"
    plan = "plan"                          # 401(k), 403(b), governmental 457(b), pre-tax/after-tax account
    designated_roth = "designated_roth"    # Roth 401(k)/403(b)/457(b) (DRAC)
    inherited_ira = "inherited_ira"
    inherited_roth_ira = "inherited_roth_ira"


class UseKind(str, Enum):
    cash = "cash"                              # kept (paid to the recipient, not rolled over)
    direct_rollover = "direct_rollover"        # trustee to trustee from a plan (code G/H)
    indirect_rollover = "indirect_rollover"    # 60-day rollover of money paid to the recipient
    conversion = "conversion"                  # traditional/SEP/SIMPLE IRA to Roth IRA
    in_plan_roth_rollover = "in_plan_roth_rollover"  # plan pre-tax to the same plan's DRAC
    qcd = "qcd"                                # qualified charitable distribution
    hfd = "hfd"                                # HSA funding distribution
    recharacterization = "recharacterization"
    returned_contribution = "returned_contribution"  # contribution (plus earnings) returned by the due date
    # an earlier year's excess IRA contribution withdrawn after that year's due date, not deducted, the year's
    # contributions within the limit: not income, no 10% (IRC §408(d)(5); i8606 "Return of Excess Traditional IRA
    # Contributions")
    excess_withdrawn = "excess_withdrawn"


class WaiverKind(str, Enum):
    self_certification = "self_certification"  # Rev. Proc. 2020-46
    automatic = "automatic"                    # Rev. Proc. 2003-16 §3.03
    private_letter_ruling = "private_letter_ruling"
    disaster_postponement = "disaster_postponement"
    military_postponement = "military_postponement"


class Waiver(Strict):
    kind: WaiverKind = Field(description="which relief from the 60-day rule")
    reason: Optional[int] = Field(None, ge=1, le=12, description="Rev. Proc. 2020-46 reason number (1-12)")
    reason_ended: Optional[dt.date] = Field(None, description="date the reason stopped preventing the deposit")
    deadline: Optional[dt.date] = Field(None, description="postponed deadline (disaster/military)")
    reference: Optional[str] = Field(None, description="PLR number, disaster declaration, etc.")


class Use(Strict):
    """One destination of (part of) a distribution."""
    kind: UseKind = Field(description="what happened to this part (`excess_withdrawn`: an earlier year's excess traditional IRA "
                      "contribution withdrawn after that year's due date, not deducted, that year's contributions within the limit: "
                      "not income, IRC §408(d)(5))")
    to: Optional[Account] = Field(None, description="receiving account kind for rollovers and conversions")
    amount: Money
    date: Optional[dt.date] = Field(None, description="date deposited (rollovers) or paid")
    pretax: Optional[Money] = Field(None, description="Notice 2014-54 choice: pre-tax amount this rollover takes")
    waiver: Optional[Waiver] = Field(None, description="for a late 60-day rollover: the waiver or self-certification")
    basis_only_intent: bool = Field(False, description="taxpayer meant to convert only after-tax basis")


class StateRow(Strict):
    tax_withheld: Optional[Money] = Field(None, description="box 14")
    state: Optional[str] = Field(None, description="box 15: state")
    payer_state_no: Optional[str] = Field(None, description="box 15: payer's state number")
    distribution: Optional[Money] = Field(None, description="box 16")


class LocalRow(Strict):
    tax_withheld: Optional[Money] = Field(None, description="box 17")
    locality: Optional[str] = Field(None, description="box 18")
    distribution: Optional[Money] = Field(None, description="box 19")


class Payer(Strict):
    name: str = Field(description="payer's name as on the form", max_length=MAX_NAME)
    tin: Optional[str] = Field(None, description="payer's TIN (EIN), e.g. 12-3456789")
    address: Optional[str] = Field(None, description="payer's address")


class PlanAccount(Strict):
    """Facts for section 72(e)(8): the account (or separate contract) the distribution came from, just before it."""
    balance: Money = Field(description="balance just before the distribution: the whole account, or, for a separate "
                                       "after-tax contract, that subaccount only")
    after_tax: Money = Field(description="investment in the contract (after-tax contributions not yet recovered)")
    separate_after_tax_contract: bool = Field(False, description="the plan keeps after-tax contributions and their "
                                              "earnings as a separate contract (IRC §72(d)(2)) and the distribution "
                                              "came from it: balance and after_tax are that subaccount's")


class Annuity(Strict):
    """Facts for the Simplified Method (Pub. 575; i1040 Simplified Method Worksheet)."""
    start_date: dt.date = Field(description="annuity starting date")
    age_at_start: int = Field(ge=0, le=120, description="annuitant's age on the starting date")
    joint_age_at_start: Optional[int] = Field(None, ge=0, le=240, description="combined ages, for a joint and survivor annuity")
    payments_this_year: int = Field(ge=0, le=12, description="number of monthly payments received this year")
    cost: Optional[Money] = Field(None, description="cost in the plan at the starting date (blank = box 9b)")
    recovered_before: Money = Field(Decimal(0), description="cost recovered tax free in earlier years after 1986")
    guaranteed_years: Optional[int] = Field(None, ge=0, le=100, description="years of payments guaranteed (a period "
                                            "certain), if any: 75 or older at the start with 5 or more, the General "
                                            "Rule applies, not the Simplified Method (IRC §72(d)(1)(E))")


class Form1099R(Strict):
    id: str = Field("", description="your id for this form, unique in the scenario; blank = 1099r-N, N its place in "
                    "the list (1099r-1 for the first)")
    recipient: Literal["taxpayer", "spouse"] = Field("taxpayer", description="whose form this is")
    payer: Payer = Field(description="the payer block (or just the payer's name)")
    account_number: Optional[str] = Field(None, description="account number (matches Form 5498 and the prior 8606)")
    corrected: bool = Field(False, description="CORRECTED box checked")
    box1: Money = Field(description="gross distribution")
    box2a: Optional[Money] = Field(None, description="taxable amount (blank allowed)")
    box2b_not_determined: bool = Field(False, description="box 2b: taxable amount not determined")
    box2b_total_distribution: bool = Field(False, description="box 2b: total distribution")
    box3: Optional[Money] = Field(None, description="capital gain (included in box 2a)")
    box4: Money = Field(Decimal(0), description="federal income tax withheld")
    box5: Optional[Money] = Field(None, description="employee contributions / designated Roth contributions")
    box6: Optional[Money] = Field(None, description="net unrealized appreciation in employer's securities")
    box7: list[str] = Field(description="distribution code(s), one or two: a list, or as printed (\"7\", \"G4\", "
                            "\"4, G\")", min_length=1, max_length=2)
    box7_ira_sep_simple: bool = Field(False, description="box 7: IRA/SEP/SIMPLE checkbox")
    box8_amount: Optional[Money] = Field(None, description="box 8: other, amount")
    box8_percent: Optional[Decimal] = Field(None, ge=0, le=100, description="box 8: other, percent")
    box9a: Optional[Decimal] = Field(None, ge=0, le=100, description="your percentage of total distribution")
    box9b: Optional[Money] = Field(None, description="total employee contributions (annuity cost)")
    box10: Optional[Money] = Field(None, description="amount allocable to IRR within 5 years")
    box11: Optional[int] = Field(None, ge=1974, le=2100, description="1st year of designated Roth contributions")
    box12_fatca: bool = Field(False, description="FATCA filing requirement")
    box13: Optional[dt.date] = Field(None, description="date of payment")
    state: list[StateRow] = Field(default_factory=list, max_length=2, description="boxes 14-16, up to two rows")
    local: list[LocalRow] = Field(default_factory=list, max_length=2, description="boxes 17-19, up to two rows")
    # Facts not on the form
    date_paid: Optional[dt.date] = Field(None, description="date the distribution was paid (box 13 if blank)")
    date_received: Optional[dt.date] = Field(None, description="date the recipient received it (a mailed check), "
                                             "when later than the date paid: the 60 rollover days run from receipt "
                                             "(IRC §402(c)(3)(A), §408(d)(3)(A)); blank = the date paid")
    source: Optional[Account] = Field(None, description="account paid from; inferred from box 7 when blank")
    plan_account: Optional[PlanAccount] = Field(None, description="plan account just before the distribution (§72(e)(8) pro rata)")
    decedent_first_roth_year: Optional[int] = Field(None, ge=1998, le=2100, description="inherited Roth IRA: the "
                                                    "decedent's first Roth contribution year (their 5-year clock)")
    decedent_roth_basis: Optional[Money] = Field(None, description="inherited Roth IRA: the decedent's contribution "
                                                 "and conversion basis left in it (its own Form 8606)")
    decedent_roth_conversion_basis: Optional[Money] = Field(
        None, description="inherited Roth IRA: of decedent_roth_basis, the part from conversions and rollovers "
        "(line 24 of its own Form 8606; the rest is contributions, line 22); blank = none")
    decedent: Optional[str] = Field(None, description="inherited traditional IRA: whose (the `decedent` of one of the "
                                    "recipient's inherited_iras); blank = the only one. Inherited Roth IRA: forms "
                                    "naming the same decedent share that decedent's basis; blank = the payer and "
                                    "account tell the decedents apart", max_length=MAX_NAME)
    annuity: Optional[Annuity] = Field(None, description="periodic annuity payments with after-tax cost (Simplified Method)")
    group: Optional[str] = Field(None, description="Notice 2014-54: forms scheduled at the same time share a group")
    uses: list[Use] = Field(default_factory=list, description="what happened to the money; the rest is cash")
    exceptions: list["Exception10"] = Field(default_factory=list, description="10% exceptions claimed")
    rmd_year: bool = Field(False, description="the amount is (or includes) a required minimum distribution not yet met")
    rmd_amount: Optional[Money] = Field(None, description="with rmd_year: the part of the year's required minimum "
                                        "distribution still due from this account when this was paid; the first "
                                        "dollars paid are the RMD, the rest may be rolled over (Reg. §1.402(c)-2 "
                                        "Q&A-7). Given, it implies rmd_year. Blank with rmd_year: all of it is "
                                        "taken as the RMD")
    loan_offset: Optional[Money] = Field(None, description="the part of box 1 that is a plan loan offset (the unpaid "
                                         "loan balance taken from the account, not cash). The 20% withholding cannot "
                                         "exceed the cash and property paid, so an offset alone needs none (Reg. "
                                         "§1.402(c)-2 Q&A-9; §31.3405(c)-1 Q&A-11). Code M marks a qualified one")
    pso_premiums: Optional[Money] = Field(None, description="retired public safety officer (public_safety_employee): "
                                          "accident, health or long-term care insurance premiums paid from this "
                                          "governmental plan distribution; up to $3,000 a year of them is excluded "
                                          "('PSO' on Form 1040 line 5; IRC §402(l))")
    hardship: bool = Field(False, description="a hardship distribution (not eligible for rollover)")
    sepp: bool = Field(False, description="part of substantially equal periodic payments")
    governmental_457b: bool = Field(False, description="paid from a governmental section 457(b) plan: the 10% "
                                    "additional tax reaches only amounts rolled into it from other plans or IRAs "
                                    "(IRC §72(t)(9)); the payer shows code 2 for the rest")
    corrective: bool = Field(False, description="a corrective distribution of excess deferrals/contributions")
    nonspouse_beneficiary: Optional[bool] = Field(None, description="paid to a beneficiary who is not the surviving "
                                                  "spouse; false: to the surviving spouse; blank: not said")
    separating_employer: Optional[bool] = Field(None, description="exception 01: the plan of the employer left in "
                                                "separated_from_service_year (blank: assumed only when it is the "
                                                "person's one plan payer of the year)")

    @field_validator("box7")
    @classmethod
    def _codes(cls, v: list[str]) -> list[str]:
        return [c.strip().upper() for c in v if c and c.strip()]

    @property
    def paid_on(self) -> Optional[dt.date]:
        return self.date_paid or self.box13

    @property
    def received_on(self) -> Optional[dt.date]:
        """When the recipient received it: the 60 rollover days and the once-a-year rule count from receipt
        (IRC §402(c)(3)(A), §408(d)(3)(A), (B))."""
        return self.date_received or self.paid_on

    @property
    def ira_form(self) -> bool:
        """The IRA/SEP/SIMPLE box, or an IRA-only code without it: S (SIMPLE IRA, first 2 years) and K (IRA assets
        without a readily available value) (i1099r)."""
        return self.box7_ira_sep_simple or bool(set(self.box7) & {"S", "K"})

    @property
    def box5_may_exceed_box1(self) -> bool:
        """i1099r box 5, designated Roth accounts (codes B, H): the contributions are reported "even if they exceed
        the box 1 amount" (an account paid out at a loss)."""
        return bool(set(self.box7) & {"B", "H"})


class Exception10(Strict):
    number: str = Field(description="Form 5329 exception number, e.g. '01'", pattern=r"^\d{2}$")
    amount: Optional[Money] = Field(None, description="amount excepted; blank = all of it")
    event: Optional[str] = Field(None, description="which event a capped exception is for (19: the child born or "
                                 "adopted); claims naming the same event share its cap across the person's forms")
    note: Optional[str] = Field(None, description="free text for the preparer")


Form1099R.model_rebuild()


SSN_PLACEHOLDER = "000-00-0000"  # the web checker's SSN when none is given; never printed on a form


class ConversionLayer(Strict):
    year: int = Field(description="year the money reached the Roth IRA: the conversion's or rollover's tax year, or the "
                      "next year for one paid in December and deposited in January (its 5-year period counts from "
                      "then, IRC §408A(d)(3)(F)(i)(II))")
    amount: Money = Field(description="amount converted or rolled into the Roth IRA that year")
    taxable: Money = Field(description="part included in income")
    distributed: Money = Field(Decimal(0), description="part already taken out in earlier years")


class Rollover(Strict):
    distribution_date: dt.date = Field(description="date of the earlier distribution that was rolled over")
    kind: Literal["ira_to_ira", "roth_to_roth"] = Field("ira_to_ira", description="which kind of IRA rollover")
    note: Optional[str] = Field(None, description="free text")


class IraFacts(Strict):
    nondeductible_contributions: Money = Field(Decimal(0), description="Form 8606 line 1")
    nondeductible_after_year_end: Money = Field(Decimal(0), description="part of line 1 made Jan 1 - due date of next year (line 4)")
    deductible_contributions: Money = Field(Decimal(0), description="deductible traditional IRA contributions for the year")
    contributions_made_before_conversion: Optional[Money] = Field(None, description="line 1 contributions made before a total conversion")
    prior_basis: Optional[Money] = Field(None, description="prior-year Form 8606 line 14; blank = not given")
    ever_nondeductible: Optional[bool] = Field(None, description="nondeductible contributions or after-tax rollovers in any year")
    last_8606_year: Optional[int] = Field(None, description="year of the last Form 8606 filed")
    year_end_value: Optional[Money] = Field(None, description="Dec 31 value of all traditional, SEP and SIMPLE IRAs")
    year_end_accounts: list["YearEndAccount"] = Field(default_factory=list, description="each IRA's Dec 31 value (Form 5498 box 5); summed when year_end_value is blank")
    outstanding_rollovers: Optional[Money] = Field(None, description="rollovers out in Dec, in next year (line 6)")
    repayments_treated_as_rollovers: Money = Field(Decimal(0), description="repayments of disaster/QBAD/etc. distributions (line 6)")
    use_worksheet_1_1: Optional[bool] = Field(None, description="blank = when contributions and distributions meet in the year")
    form_8606_filed: Optional[bool] = Field(None, description="whether a Form 8606 was filed for this year (checking a filed return)")
    deductions_after_70_half_prior: Optional[Money] = Field(None, description="QCD offset: IRA deductions allowed for "
                                                            "earlier years ending on or after the date 70½ was reached "
                                                            "(IRC §408(d)(8)(A) last sentence; Pub. 590-B QCD Adjustment "
                                                            "Worksheet); blank = 0, or the ledger's")
    qcd_reductions_prior: Optional[Money] = Field(None, description="QCD offset: what those deductions already took "
                                                  "off earlier years' QCDs; blank = 0, or the ledger's")


class YearEndAccount(Strict):
    name: str = Field(description="custodian and account")
    value: Optional[Money] = Field(None, description="Dec 31 value; blank = not known yet")


IraFacts.model_rebuild()


def same_decedent(a: str, b: str) -> bool:
    """Decedent names match without regard to case or surrounding spaces."""
    return a.strip().lower() == b.strip().lower()


class InheritedIra(Strict):
    """Traditional, SEP and SIMPLE IRAs inherited from one decedent, with basis: their own Form 8606,
    never combined with the beneficiary's own IRAs (rules.md §4.1, §5.1)."""
    decedent: str = Field(description="who it was inherited from (a name or label; 1099-Rs name it in `decedent`)",
                          max_length=MAX_NAME)
    basis: Money = Field(Decimal(0), description="basis in these IRAs at the end of last year: the share of the "
                         "decedent's basis inherited, or last year's Form 8606 line 14 for them")
    year_end_value: Optional[Money] = Field(None, description="Dec 31 value of all IRAs inherited from this decedent (line 6)")


class RothFacts(Strict):
    first_contribution_year: Optional[int] = Field(None, description="first year any Roth IRA got a contribution or "
                                                   "conversion. A surviving spouse who treats an inherited Roth IRA as "
                                                   "their own: the earlier of their own first year and the decedent's "
                                                   "(Reg. §1.408A-6 A-7)")
    first_year_at_latest: Optional[int] = Field(None, description="when the first year is not known: the latest it "
                                                "can be (a year money went into a Roth IRA). A 5-year period met "
                                                "from it is met; one not met stays unknown. The ledger fills it "
                                                "when no first year was given: the earliest year money is on record "
                                                "as going into a Roth IRA")
    contribution_basis: Optional[Money] = Field(None, description="regular contribution basis before this year's contributions")
    contributions_this_year: Money = Field(Decimal(0), description="regular Roth IRA contributions for the year")
    conversions: list[ConversionLayer] = Field(default_factory=list, description="conversions and plan rollovers into Roth IRAs on earlier returns, one layer per "
                                               "year the money reached the Roth IRA (this year's own come from the 1099-Rs)")
    in_plan_rollovers: list[ConversionLayer] = Field(default_factory=list, description="in-plan Roth rollovers (IRR) in earlier years, with taxable parts: a record only, not used (the plan's box 10 carries the 5-year recapture; finding IRR_HISTORY_NOT_USED)")
    prior_homebuyer: Money = Field(Decimal(0), description="earlier qualified first-time homebuyer distributions")
    homebuyer_expenses: Money = Field(Decimal(0), description="qualified first-time homebuyer expenses this year (line 20)")


class Person(Strict):
    # facts the ledger filled from a year where they rested on an assumption: path -> why (not an input)
    _assumed: dict = PrivateAttr(default={})  # copied per model (pydantic smart_deepcopy); a factory costs an inspect.signature call per model
    # the ledger's inherited Roth IRA basis by decedent, kept for the year's record when no 1099-R names them
    _inherited_roth: Optional[dict] = PrivateAttr(default=None)
    # facts the ledger filled: path -> where from (the facts' source, so `explain` says so; not an input)
    _from_ledger: dict = PrivateAttr(default={})
    name: str = Field(description="name as on the return", max_length=MAX_NAME)
    ssn: str = Field(description="SSN; only the last four digits are ever shown")
    birth_date: Optional[dt.date] = Field(None, description="needed whenever the person has a 1099-R")
    date_of_death: Optional[dt.date] = Field(None, description="date of death, if it happened")
    disabled: bool = Field(False, description="totally and permanently disabled (IRC §72(m)(7))")
    blind: bool = Field(False, description="blind at the end of the year (IRC §63(f)(2)): an additional standard "
                        "deduction, used with income.other_agi")
    address: Optional[str] = Field(None, description="address, for a Form 8606 filed by itself")
    separated_from_service_year: Optional[int] = Field(None, description="year the person left the employer whose plan paid (exception 01)")
    separated_from_service_date: Optional[dt.date] = Field(None, description="the day the person left that employer: "
                                                           "exception 01 covers only what is paid after it (IRC "
                                                           "§72(t)(2)(A)(v)); its year stands for "
                                                           "separated_from_service_year")
    public_safety_employee: bool = Field(False, description="qualified public safety employee or private-sector "
                                         "firefighter (age 50 for exception 01)")
    public_safety_service_years: Optional[int] = Field(None, ge=0, le=80, description="with public_safety_employee: "
                                                       "years of service under the paying plan at separation (25 "
                                                       "or more: exception 01 at any age, for distributions after "
                                                       "Dec. 29, 2022)")
    hsa_coverage: Optional[Literal["self_only", "family", "none"]] = Field(
        None, description="HDHP coverage when an HSA funding distribution was paid: it sets the most the distribution "
        "can exclude (IRC §408(d)(9)(C)(i)); none: not an HSA-eligible individual then (no HDHP, other health "
        "coverage, or enrolled in Medicare: IRC §223(b)(7), (c)(1)), so nothing is excluded; blank: the family "
        "limit is the cap, and a finding asks")
    # HSA funding distributions exist for tax years after 2006 (Tax Relief and Health Care Act of 2006 §307)
    earlier_hfd_year: Optional[int] = Field(None, ge=2007, le=2100, description="the year of an earlier HSA funding "
                                            "distribution: one is allowed in a lifetime (IRC §408(d)(9)(C)(ii)); blank: "
                                            "none known (the ledger fills it)")
    ira: IraFacts = Field(default_factory=IraFacts, description="traditional, SEP and SIMPLE IRA facts (Form 8606 Part I)")
    roth: RothFacts = Field(default_factory=RothFacts, description="Roth IRA history (Form 8606 Part III)")
    rollovers_last_12_months: list[Rollover] = Field(default_factory=list, description="earlier IRA 60-day rollovers (once-per-year rule)")
    inherited_iras: list[InheritedIra] = Field(default_factory=list, description="inherited traditional IRAs with "
                                               "basis, one entry per decedent (each its own Form 8606)")
    client_id: Optional[str] = Field(None, description="the preparer's stable id for this person (ledger)")

    def ledger_marks(self) -> tuple[dict, dict]:
        """(_assumed, _from_ledger), read from pydantic's private store: `person._assumed` goes through
        BaseModel.__getattr__ (~2.8 us an access, twice a person in every return)."""
        private = self.__pydantic_private__
        return private["_assumed"], private["_from_ledger"]

    @property
    def separation_year(self) -> Optional[int]:
        """The year of separation from service: as given, or the separation date's."""
        if self.separated_from_service_year is not None:
            return self.separated_from_service_year
        return self.separated_from_service_date.year if self.separated_from_service_date else None

    @field_validator("ssn")
    @classmethod
    def _ssn(cls, v: str) -> str:
        digits = "".join(ch for ch in v if ch.isdigit())
        if len(digits) != 9 or any(not (ch.isdigit() or ch in "- ") for ch in v.strip()):
            raise ValueError("an SSN has 9 digits (dashes or spaces between them allowed)")
        return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"

    @property
    def ssn_last4(self) -> str:
        return "***-**-" + self.ssn[-4:]

    def inherited_index(self, decedent: str) -> Optional[int]:
        """1-based position of the inherited_iras entry for this decedent, or None."""
        return next((n for n, e in enumerate(self.inherited_iras, 1) if same_decedent(e.decedent, decedent)), None)


class Income(Strict):
    other_taxable_income: SignedMoney = Field(
        Decimal(0), description="taxable income from everything else, after deductions; negative where the deductions "
        "exceed the other income (the retirement income fills that first, IRC §63). Or give other_agi instead")
    other_agi: Optional[SignedMoney] = Field(
        None, description="adjusted gross income from everything else (Form 1040 line 11 without the 1099-R income "
        "on lines 4b, 5b and 1h); with it, taxdocs takes the deductions itself: standard (with the additional amounts "
        "for 65 or older and blind) or itemized, and the 2025-2028 senior deduction with its phase-out")
    itemized_deductions: Optional[Money] = Field(None, description="with other_agi: Schedule A total, when itemizing, "
                                                 "before the overall limitation of IRC §68 (from 2026, taxdocs applies "
                                                 "it at each AGI); the larger of it and the standard deduction is taken. "
                                                 "With medical_expenses, state_local_taxes or charitable_contributions "
                                                 "given: the rest of Schedule A only (mortgage interest, other items)")
    medical_expenses: Optional[Money] = Field(None, description="with other_agi: medical and dental expenses (Schedule A "
                                              "line 1) before the 7.5%-of-AGI floor; taxdocs deducts the part above "
                                              "7.5% of each AGI (IRC §213(a)). Leave them out of itemized_deductions")
    state_local_taxes: Optional[Money] = Field(None, description="with other_agi: state and local income (or sales), "
                                               "real estate and personal property taxes paid (Schedule A lines 5a-5c), "
                                               "before the limit; taxdocs applies the year's limit and, 2025-2029, its "
                                               "phase-down above the MAGI threshold (IRC §164(b)(6), (7)). Leave them "
                                               "out of itemized_deductions")
    charitable_contributions: Optional[Money] = Field(None, description="with other_agi: gifts to charity (Schedule A "
                                                      "lines 11-13; not QCDs, which are left out of income instead); "
                                                      "from 2026 an itemizer deducts only the part above 0.5% of the "
                                                      "AGI (IRC §170(b)(1)(I)), and someone who does not itemize up to "
                                                      "the year's limit of them, taken as cash gifts to public "
                                                      "charities (IRC §170(p)). The percentage-of-AGI ceilings are not "
                                                      "applied. Leave them out of itemized_deductions")
    social_security_benefits: Optional[Money] = Field(None, description="with other_agi: net Social Security (and tier 1 "
                                                      "railroad) benefits, SSA-1099 box 5; other_agi then leaves out their "
                                                      "taxable part, which taxdocs figures with and without the retirement "
                                                      "income (Pub. 915 Worksheet 1)")
    tax_exempt_interest: Money = Field(Decimal(0), description="with social_security_benefits: tax-exempt interest "
                                       "(Form 1040 line 2a), which counts toward the benefits' taxable part")
    mfs_lived_apart_all_year: bool = Field(False, description="married filing separately and lived apart from the "
                                           "spouse all year (IRC §86(c)): the single base amounts apply, not 0")
    qualified_dividends: Money = Field(Decimal(0), description="qualified dividends (Form 1040 line 3a), part of the "
                                       "other income: taxed at 0/15/20% on top of the ordinary income, so retirement "
                                       "income can push them into a higher rate (Qualified Dividends and Capital Gain "
                                       "Tax Worksheet)")
    net_capital_gain: Money = Field(Decimal(0), description="net capital gain, part of the other income: the smaller of "
                                    "Schedule D lines 15 and 16 (Form 1040 line 7 without Schedule D); 0 for a loss")
    net_investment_income: Optional[Money] = Field(None, description="with other_agi: net investment income (Form 8960 "
                                                   "line 8). IRA and plan distributions are not investment income but "
                                                   "raise the AGI, so they can bring on the 3.8% net investment income "
                                                   "tax (IRC §1411)")

    @field_validator("net_capital_gain", mode="before")
    @classmethod
    def _no_loss(cls, v):
        try:
            negative = Decimal(str(v)) < 0
        except (ArithmeticError, ValueError, TypeError):
            return v  # the type check says what is wrong
        if negative:
            raise ValueError("enter 0 for a net capital loss (Qualified Dividends and Capital Gain Tax Worksheet "
                             "line 3); the deductible part of the loss (up to $3,000) is already in the other income")
        return v


class Filed(Strict):
    """What was filed, to check against the recomputation."""
    f1040: dict[str, Optional[Money]] = Field(default_factory=dict, description="lines 4a, 4b, 5a, 5b, 25b and schedule2_line8 (Schedule 2 line 8, the additional tax) as filed")
    f8606_taxpayer: dict[str, Optional[Decimal]] = Field(default_factory=dict, description="taxpayer's Form 8606 lines as filed, keys \"1\"..\"25c\"")
    f8606_spouse: dict[str, Optional[Decimal]] = Field(default_factory=dict, description="spouse's Form 8606 lines as filed")
    f5329_taxpayer: dict[str, Optional[Money]] = Field(default_factory=dict, description="taxpayer's Form 5329 Part I "
                                                       "lines as filed, keys \"1\"..\"4\"")
    f5329_spouse: dict[str, Optional[Money]] = Field(default_factory=dict, description="spouse's Form 5329 Part I lines "
                                                     "as filed")
    f1040_notations: dict[str, list[str]] = Field(default_factory=dict, description="Form 1040 lines 4c and 5c as "
                                                  "filed: the notations (Rollover, QCD, HFD, PSO...), keys \"4c\", "
                                                  "\"5c\"; a list, or one text with commas between")

    @field_validator("f8606_taxpayer", "f8606_spouse")
    @classmethod
    def _f8606(cls, v: dict):
        """Line 10 is a ratio ("rounded to at least 3 places", i8606 line 10); every other line is dollars and cents.
        None is negative."""
        for k, x in v.items():
            ratio = str(k).strip().lower().replace(" ", "").removeprefix("line") == "10"  # as checks.filed.norm_key
            why = (None if x is None else "not a number" if not x.is_finite() else
                   "a Form 8606 line is never negative" if x < 0 else
                   "dollars and cents at most (2 decimal places)" if not ratio and x.as_tuple().exponent < -2 else None)
            if why:
                raise ValueError(f"line {k}: {x}: {why}")
        return v

    @field_validator("f1040_notations", mode="before")
    @classmethod
    def _notations(cls, v):
        if isinstance(v, dict):  # "4c: Rollover, QCD" as written on the line
            return {k: [s.strip() for s in x.split(",") if s.strip()] if isinstance(x, str) else x for k, x in v.items()}
        return v


class Scenario(Strict):
    tax_year: int = Field(ge=2000, le=2100, description="the tax year")
    filing_status: FilingStatus = Field(description="single, mfj, mfs, hoh or qss")
    taxpayer: Person = Field(description="the taxpayer (first on the return)")
    spouse: Optional[Person] = Field(None, description="the spouse, on a joint return or where the spouse has 1099-Rs")
    forms_1099r: list[Form1099R] = Field(default_factory=list, description="every Form 1099-R as issued, with what happened to the money")
    income: Income = Field(default_factory=Income, description="other income, for the tax effect")
    filed: Optional[Filed] = Field(None, description="what was filed, to check against the recomputation")
    client_id: Optional[str] = Field(None, description="the preparer's stable client id (ledger, batch)")
    notes: Optional[str] = Field(None, description="free text", max_length=10_000)

    @model_validator(mode="after")
    def _consistency(self) -> "Scenario":
        for n, f in enumerate(self.forms_1099r, 1):
            if not f.id.strip():
                f.id = f"1099r-{n}"  # its place in the list
        ids = [f.id for f in self.forms_1099r]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"forms_1099r ids must be unique; repeated: {sorted(dup)}")
        if self.filing_status in (FilingStatus.mfj,) and self.spouse is None:
            pass  # a joint return may have only one spouse with retirement items
        for i, f in enumerate(self.forms_1099r):
            if f.recipient == "spouse" and self.spouse is None:
                raise ValueError(f"forms_1099r[{i}] ({f.id}): recipient is spouse but no spouse is given")
        return self

    def person(self, who: str) -> Person:
        return self.taxpayer if who == "taxpayer" else self.spouse  # type: ignore[return-value]

    def people(self) -> list[tuple[str, Person]]:
        out = [("taxpayer", self.taxpayer)]
        if self.spouse is not None:
            out.append(("spouse", self.spouse))
        return out
