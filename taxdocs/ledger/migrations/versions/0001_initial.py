"""Initial ledger: people, commits, person-years with versions, Roth layers, rollover dates.

Revision ID: 0001
Revises:
Create Date: 2025-11-23

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def money():
    # exact: NUMERIC(14,2), text on SQLite (same storage as taxdocs.ledger.models.Money)
    return sa.Numeric(14, 2).with_variant(sa.String(32), "sqlite")


def upgrade() -> None:
    op.create_table(
        "ledger_person",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("client_id", sa.String(128), nullable=False),
        sa.Column("ssn_key", sa.String(64), nullable=False),
        sa.Column("ssn_last4", sa.String(4), nullable=False),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("client_id", "ssn_key", name="uq_person_client_ssn"),
    )
    op.create_index("ix_ledger_person_ssn_key", "ledger_person", ["ssn_key"])
    op.create_table(
        "ledger_commit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("client_id", sa.String(128), nullable=False),
        sa.Column("tax_year", sa.Integer, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("scenario_json", sa.Text, nullable=True),
        sa.Column("source", sa.String(500), nullable=True),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_ledger_commit_client_id", "ledger_commit", ["client_id"])
    op.create_table(
        "ledger_year",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("ledger_person.id"), nullable=False),
        sa.Column("commit_id", sa.Integer, sa.ForeignKey("ledger_commit.id"), nullable=False),
        sa.Column("tax_year", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("ira_basis", money(), nullable=False),
        sa.Column("roth_contribution_basis", money(), nullable=False),
        sa.Column("roth_first_year", sa.Integer, nullable=True),
        sa.Column("year_end_value", money(), nullable=True),
        sa.Column("f8606_json", sa.Text, nullable=True),
        sa.UniqueConstraint("person_id", "tax_year", "version", name="uq_year_person_year_version"),
    )
    op.create_table(
        "ledger_layer",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("year_id", sa.Integer, sa.ForeignKey("ledger_year.id"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("layer_year", sa.Integer, nullable=False),
        sa.Column("amount", money(), nullable=False),
        sa.Column("taxable", money(), nullable=False),
        sa.Column("distributed", money(), nullable=False),
    )
    op.create_index("ix_ledger_layer_year_id", "ledger_layer", ["year_id"])
    op.create_table(
        "ledger_rollover",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("year_id", sa.Integer, sa.ForeignKey("ledger_year.id"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("distribution_date", sa.Date, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
    )
    op.create_index("ix_ledger_rollover_year_id", "ledger_rollover", ["year_id"])


def downgrade() -> None:
    for t in ("ledger_rollover", "ledger_layer", "ledger_year", "ledger_commit", "ledger_person"):
        op.drop_table(t)
