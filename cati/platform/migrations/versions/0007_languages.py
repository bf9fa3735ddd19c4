"""languages: the client's and the case's language, interviewers' languages, answers' languages

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

- ``client.language``: the language the client file named (ISO 639-1; NULL: none given).
- ``call_case.language``: the language the case needs an interviewer for (NULL: Dutch, which every
  interviewer speaks); set from the client's, and by a language problem (LANGUAGE) to the language heard.
- ``user_language``: the languages an interviewer speaks besides Dutch.
- ``interview.language`` (its main language) and ``answer.language`` (the language the question was
  asked in); NULL on rows from before this revision reads as Dutch.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_language",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_user_language_user_id_app_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "language", name=op.f("pk_user_language")),
    )
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))
    with op.batch_alter_table("call_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))
    with op.batch_alter_table("interview", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("interview", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("call_case", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_column("language")
    op.drop_table("user_language")
