"""Commit kind (commit | amend | seed | import) and the carry-forward notes of each year.

Rows written at revision 0001 were all plain commits; those that superseded an earlier
version of the same person-year become "amend".

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-23

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("ledger_commit") as b:
        b.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="commit"))
    with op.batch_alter_table("ledger_year") as b:
        b.add_column(sa.Column("notes_json", sa.Text, nullable=True))
    op.execute("UPDATE ledger_commit SET kind = 'amend' WHERE id IN "
               "(SELECT commit_id FROM ledger_year WHERE version > 1)")


def downgrade() -> None:
    with op.batch_alter_table("ledger_year") as b:
        b.drop_column("notes_json")
    with op.batch_alter_table("ledger_commit") as b:
        b.drop_column("kind")
