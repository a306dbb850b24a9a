"""The QCD offset totals of each year: IRA deductions allowed after 70½ and the QCD reductions so far
(IRC §408(d)(8)(A) last sentence; Pub. 590-B QCD Adjustment Worksheet).

Rows written before this revision keep NULL in both: "not recorded", never 0.

Revision ID: 0003
Revises: 0002
Create Date: 2025-12-01

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: Union[str, Sequence[str], None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def money():
    # exact: NUMERIC(14,2), text on SQLite (same storage as taxdocs.ledger.models.Money)
    return sa.Numeric(14, 2).with_variant(sa.String(32), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("ledger_year") as b:
        b.add_column(sa.Column("deductions_after_70_half", money(), nullable=True))
        b.add_column(sa.Column("qcd_reductions", money(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ledger_year") as b:
        b.drop_column("qcd_reductions")
        b.drop_column("deductions_after_70_half")
