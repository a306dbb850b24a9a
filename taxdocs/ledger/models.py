"""Ledger tables (SQLAlchemy 2 declarative). The schema itself is made by the migrations in
`taxdocs/ledger/migrations/versions/`; these classes must match the head revision
(tests/ledger/test_migrations.py compares them).

person      one row per (client id, SSN key); the SSN is never stored, only its key and last four
commit      one row per recorded scenario (or seed / import): content hash, redacted input, when, from where
year        one row per person, tax year and version; never updated, a new version supersedes it;
            with the QCD offset totals (deductions after 70½, reductions so far) since 0003
layer       the Roth conversion / plan-rollover layers carried out of that year
rollover    IRA-to-IRA 60-day rollover distribution dates (once-per-12-months rule)
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Optional

from sqlalchemy import (Date, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

VERSION_TABLE = "taxdocs_ledger_version"


class Money(TypeDecorator):
    """Exact dollars and cents: NUMERIC(14,2) where the database has it; text on SQLite
    (SQLite's NUMERIC is a float and would round)."""
    impl = Numeric(14, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(32))
        return dialect.type_descriptor(Numeric(14, 2, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        try:  # imports and seeds are checked before (taxdocs.ledger.validate): this is the last guard
            value = Decimal(value)
            if not value.is_finite():
                raise InvalidOperation
            value = value.quantize(Decimal("0.01"))
        except (InvalidOperation, TypeError, ValueError):
            raise ValueError("not an amount the ledger can store (not finite, or too large)") from None
        return str(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        try:
            return tidy(Decimal(str(value)))
        except InvalidOperation:  # damaged text in a SQLite file: refused where the year is read (store._facts_of)
            return Decimal("NaN")


def tidy(d: Decimal) -> Decimal:
    """Whole dollars without places (7000), otherwise cents (12.50)."""
    if not d.is_finite():
        return d
    d = d.quantize(Decimal("0.01"))
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d


def money_column_type():
    """The column type the migrations write (same storage as `Money`)."""
    return Numeric(14, 2).with_variant(String(32), "sqlite")


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "ledger_person"
    __table_args__ = (UniqueConstraint("client_id", "ssn_key", name="uq_person_client_ssn"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(128))
    ssn_key: Mapped[str] = mapped_column(String(64), index=True)
    ssn_last4: Mapped[str] = mapped_column(String(4))
    name: Mapped[Optional[str]] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    years: Mapped[list["Year"]] = relationship(back_populates="person", order_by="Year.tax_year, Year.version")


class Commit(Base):
    __tablename__ = "ledger_commit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(128), index=True)
    tax_year: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    scenario_json: Mapped[Optional[str]] = mapped_column(Text)
    source: Mapped[Optional[str]] = mapped_column(String(500))
    committed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(16), server_default="commit")  # commit | amend | seed | import

    years: Mapped[list["Year"]] = relationship(back_populates="commit")


class Year(Base):
    __tablename__ = "ledger_year"
    __table_args__ = (UniqueConstraint("person_id", "tax_year", "version", name="uq_year_person_year_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("ledger_person.id"))
    commit_id: Mapped[int] = mapped_column(ForeignKey("ledger_commit.id"))
    tax_year: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    ira_basis: Mapped[Decimal] = mapped_column(Money())
    roth_contribution_basis: Mapped[Decimal] = mapped_column(Money())
    roth_first_year: Mapped[Optional[int]] = mapped_column(Integer)
    year_end_value: Mapped[Optional[Decimal]] = mapped_column(Money())
    f8606_json: Mapped[Optional[str]] = mapped_column(Text)
    notes_json: Mapped[Optional[str]] = mapped_column(Text)
    # QCD offset totals through this year (IRC §408(d)(8)(A)); NULL: a row written before revision 0003
    deductions_after_70_half: Mapped[Optional[Decimal]] = mapped_column(Money())
    qcd_reductions: Mapped[Optional[Decimal]] = mapped_column(Money())

    person: Mapped[Person] = relationship(back_populates="years")
    commit: Mapped[Commit] = relationship(back_populates="years")
    layers: Mapped[list["Layer"]] = relationship(order_by="Layer.position", cascade="all, delete-orphan")
    rollovers: Mapped[list["Rollover"]] = relationship(order_by="Rollover.position", cascade="all, delete-orphan")


class Layer(Base):
    __tablename__ = "ledger_layer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("ledger_year.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    layer_year: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money())
    taxable: Mapped[Decimal] = mapped_column(Money())
    distributed: Mapped[Decimal] = mapped_column(Money())


class Rollover(Base):
    __tablename__ = "ledger_rollover"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("ledger_year.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    distribution_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
