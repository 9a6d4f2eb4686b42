"""Old and new servers share one database during a rollout (docs/deploying.md, "Schema changes"): a
migration's upgrade may only add (tables, indexes, columns an old server can leave out), and whatever
removes, renames or tightens waits for a later release, once no server of the old version runs. This
reads every migration's upgrade() and refuses any other operation, unless it is listed below with the
reason an old server still works beside it."""
from __future__ import annotations

import ast
from pathlib import Path

import postcheck.store

VERSIONS = Path(postcheck.store.__file__).parent / "migrations" / "versions"
ADDS = {"create_table", "create_index", "add_column", "bulk_insert", "batch_alter_table",
        "f"}  # op.f(name) marks a constraint's name: not an operation
# (migration, operation): why an old server works beside it.
REVIEWED = {
    ("0004_outcome_source.py", "drop_constraint"): "outcome_counts' unique key is re-made with one more column "
                                                   "(source, which has a server default): every row an old "
                                                   "server writes still fits it",
    ("0004_outcome_source.py", "create_unique_constraint"): "the same, re-made wider",
}


def _upgrade_calls(path: Path):
    tree = ast.parse(path.read_text())
    upgrade = next(node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "upgrade")
    for node in ast.walk(upgrade):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name) and node.func.value.id in ("op", "batch"):
            yield node


def _keyword(call: ast.Call, name: str):
    return next((k.value for k in call.keywords if k.arg == name), None)


def contract_operations(folder: Path) -> list[str]:
    """Operations in upgrade() that are not additions and not reviewed."""
    return [f"{path.name}:{call.lineno} op.{call.func.attr}" for path in sorted(folder.glob("0*.py"))
            for call in _upgrade_calls(path)
            if call.func.attr not in ADDS and (path.name, call.func.attr) not in REVIEWED]


def required_columns(folder: Path) -> list[str]:
    """Columns added NOT NULL without a server default: every row an old server inserts would be refused."""
    found = []
    for path in sorted(folder.glob("0*.py")):
        for call in _upgrade_calls(path):
            if call.func.attr == "add_column":
                nullable = _keyword(call.args[-1], "nullable")
                if isinstance(nullable, ast.Constant) and nullable.value is False \
                        and _keyword(call.args[-1], "server_default") is None:
                    found.append(f"{path.name}:{call.lineno}")
    return found


def test_there_are_migrations_to_read():
    assert len(list(VERSIONS.glob("0*.py"))) >= 7


def test_every_upgrade_only_adds_or_is_reviewed():
    found = contract_operations(VERSIONS)
    assert not found, ("these remove, rename or tighten what a server of the previous release still uses "
                       "(docs/deploying.md, 'Schema changes'): " + ", ".join(found))


def test_an_added_column_can_be_left_out_by_an_old_server():
    found = required_columns(VERSIONS)
    assert not found, f"NOT NULL columns added without a server default: {found}"


def test_the_readers_find_a_drop_and_a_required_column(tmp_path):
    (tmp_path / "0099_bad.py").write_text(
        "import sqlalchemy as sa\nfrom alembic import op\n\n\ndef upgrade():\n"
        "    op.drop_column('elections', 'notes')\n"
        "    with op.batch_alter_table('roles') as batch:\n"
        "        batch.add_column(sa.Column('rank', sa.Integer(), nullable=False))\n")
    assert contract_operations(tmp_path) == ["0099_bad.py:6 op.drop_column"]
    assert required_columns(tmp_path) == ["0099_bad.py:8"]
