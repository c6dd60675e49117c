"""Lattice health: heartbeats with their per-node arrays, alerts, per-lattice moving averages.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "heartbeats",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("lattice", sa.String(255), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("duration_s", sa.Float, nullable=False),
        sa.Column("nodes", sa.Integer, nullable=False),
        sa.Column("triangles", sa.Integer, nullable=False),
        sa.Column("min_fidelity", sa.Float),
        sa.Column("median_fidelity", sa.Float),
        sa.Column("mean_fidelity", sa.Float),
        sa.Column("alerts_opened", sa.Integer, nullable=False),
        sa.Column("alerts_cleared", sa.Integer, nullable=False),
        sa.Column("fidelity", sa.LargeBinary, nullable=False),
        sa.Column("purity", sa.LargeBinary, nullable=False),
        sa.Column("concurrence", sa.LargeBinary, nullable=False),
        sa.Column("entropy", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_heartbeats_lattice_time", "heartbeats", ["lattice", "created_at"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("lattice", sa.String(255), nullable=False),
        sa.Column("node", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("baseline", sa.Float),
        sa.Column("opened_at", sa.Float, nullable=False),
        sa.Column("opened_heartbeat", sa.Integer, nullable=False),
        sa.Column("cleared_at", sa.Float),
        sa.Column("cleared_heartbeat", sa.Integer),
    )
    op.create_index("ix_alerts_lattice_open", "alerts", ["lattice", "cleared_at"])
    op.create_table(
        "lattice_state",
        sa.Column("lattice", sa.String(255), primary_key=True),
        sa.Column("heartbeats", sa.Integer, nullable=False),
        sa.Column("baseline", sa.LargeBinary, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    for table in ("lattice_state", "alerts", "heartbeats"):
        op.drop_table(table)
