"""The party node bench still runs: ``--quick`` prints its four tables, every change arrives.

Not a timing test: numbers are only checked to be measured (present, positive where a
zero would mean nothing was measured). Real PartyNodes in one process each, on
127.0.0.1; the quick run takes about 30 s.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_bench_smoke import Table, numbers, parse_tables

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "bench_party_node.py"
TIMEOUT = 90
TITLES = (
    "Isolated selection change -> visible at every other member (ms)",
    "Isolated change -> one receiver, by hops (ms)",
    "Scroll burst at 20 changes/s: last change -> visible at every other member (ms)",
    "CPU (% of one core) and RSS (MiB) per node process",
)


@pytest.fixture(scope="module")
def tables() -> dict[str, Table]:
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    found = {table.title: table for table in parse_tables(run.stdout)}
    assert tuple(found) == TITLES, run.stdout
    for table in found.values():
        assert table.rows, f"{table.title}: no rows"
        for row in table.rows:
            assert len(row) == len(table.headers), f"{table.title}: ragged row {row}"
    return found


def positive(cells: list[str]) -> bool:
    """Every cell holds numbers ("3.4", "20/20") and all of them are positive."""
    parsed = [numbers(cell) for cell in cells]
    return all(parsed) and all(v > 0 for values in parsed for v in values)


def test_every_isolated_change_reaches_every_member_in_mesh_and_chain(
    tables: dict[str, Table],
) -> None:
    table = tables[TITLES[0]]
    assert [(row[0], row[1]) for row in table.rows] == [("5", "mesh"), ("5", "chain")]
    for row in table.rows:
        seen, sent = row[2].split("/")
        assert seen == sent and int(sent) > 0, row
        assert positive(row[3:]), row


def test_the_chain_is_a_chain_and_the_mesh_is_one_hop(tables: dict[str, Table]) -> None:
    table = tables[TITLES[1]]
    hops = {(row[1], int(row[2])) for row in table.rows}
    assert hops == {("mesh", 1), ("chain", 1), ("chain", 2), ("chain", 3), ("chain", 4)}
    assert all(positive(row[3:]) for row in table.rows)


def test_scroll_bursts_deliver_the_last_value_coalesced(tables: dict[str, Table]) -> None:
    table = tables[TITLES[2]]
    assert [row[1] for row in table.rows] == ["mesh", "chain"]
    for row in table.rows:
        assert positive(row[2:]), row
        seen, bursts = row[2].split("/")
        assert seen == bursts, row  # the last value of every burst reached every member
        changes_set, seen_per_burst = float(row[3]), float(row[4])
        assert seen_per_burst < changes_set / int(bursts), row  # coalesced, not every value


def test_cpu_and_memory_rows_for_a_lone_node_and_both_topologies(
    tables: dict[str, Table],
) -> None:
    table = tables[TITLES[3]]
    labels = [(row[0], row[1], row[2]) for row in table.rows]
    assert labels[0] == ("1", "-", "idle, no links")
    for topology in ("mesh", "chain"):
        assert ("5", topology, "idle") in labels
        assert ("5", topology, "scroll 20/s") in labels
    for row in table.rows:
        cpu = [v for cell in row[4:11] for v in numbers(cell)]
        assert cpu and all(v >= 0 for v in cpu), row  # a quiet node may round to 0.00
        assert positive(row[11:13]), row  # RSS
