"""The foundation benches still run: each ``--quick`` run prints tables of positive numbers.

Not a timing test: the numbers are only checked to be measured (present and positive).
The three scripts run in parallel subprocesses (most of the time is the gather bench
waiting for stock aiortc's 5 s STUN timeout), so this takes about 15 s.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ("bench_tokens.py", "bench_gather.py", "bench_open.py")
TIMEOUT = 90
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?(?:e-?\d+)?$")


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list[str]]

    def column(self, header: str) -> list[str]:
        index = self.headers.index(header)
        return [row[index] for row in self.rows]


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


def parse_tables(text: str) -> list[Table]:
    tables: list[Table] = []
    title = ""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("### "):
            title = line[4:]
        elif line.startswith("|") and i + 1 < len(lines) and lines[i + 1].startswith("|---"):
            headers = [cell.strip() for cell in line.strip("|").split("|")]
            rows = []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append([cell.strip() for cell in lines[i].strip("|").split("|")])
                i += 1
            tables.append(Table(title, headers, rows))
            continue
        i += 1
    return tables


def numbers(cell: str) -> list[float]:
    """The numbers in a cell: "12.5", "1.2 / 3.4" (median / p90), "3/3" (done / tried)."""
    parts = [part.strip() for part in cell.split("/")]
    if parts and all(_NUMBER.match(part) for part in parts):
        return [float(part) for part in parts]
    return []


@pytest.fixture(scope="module")
def runs() -> dict[str, Run]:
    procs = {
        name: subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / name), "--quick"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in SCRIPTS
    }
    out: dict[str, Run] = {}
    try:
        for name, proc in procs.items():
            stdout, stderr = proc.communicate(timeout=TIMEOUT)
            out[name] = Run(proc.returncode, stdout, stderr)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return out


@pytest.mark.parametrize("name", SCRIPTS)
def test_quick_run_prints_tables_of_positive_numbers(runs: dict[str, Run], name: str) -> None:
    run = runs[name]
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    assert "failed" not in run.stdout, run.stdout
    tables = parse_tables(run.stdout)
    assert tables, run.stdout
    for table in tables:
        assert table.rows, f"{table.title}: no rows"
        for row in table.rows:
            assert len(row) == len(table.headers), f"{table.title}: ragged row {row}"
            values = [v for cell in row[1:] for v in numbers(cell)]
            assert values, f"{table.title}: no numbers in {row}"
            assert all(v > 0 for v in values), f"{table.title}: non-positive value in {row}"
            assert "n/a" not in row, f"{table.title}: unmeasured cell in {row}"


def test_token_tables_cover_one_to_six_candidates_and_a_mixed_row(runs: dict[str, Run]) -> None:
    sizes, times = parse_tables(runs["bench_tokens.py"].stdout)
    labels = sizes.column("candidates")
    assert labels[:6] == [f"{n} IPv4" for n in range(1, 7)]
    assert any("mixed" in label for label in labels)
    assert times.column("candidates") == labels
    two = labels.index("2 IPv4")
    # format 1 met the 100-character target; format 2 adds the 32-byte ice_key
    assert int(sizes.column("invite, format 1 (before)")[two]) <= 100
    assert int(sizes.column("invite token")[two]) <= 126
    for token, deflated in zip(
        sizes.column("invite token"), sizes.column("offer deflate+b64"), strict=True
    ):
        assert int(token) < int(deflated)


def test_gather_table_has_dead_and_live_rows(runs: dict[str, Run]) -> None:
    table, sense = parse_tables(runs["bench_gather.py"].stdout)
    labels = table.column("STUN servers")
    assert any("live" not in label for label in labels)
    assert any("live listed last" in label for label in labels)
    assert set(table.column("srflx ours")) <= {"yes", "no"}
    # the mapping test's cost: plain servers compared, a silent second address bounded
    assert any("silent" in label for label in sense.column("STUN servers"))
    assert all(why.startswith("stable") for why in sense.column("mapping (why)"))


def test_open_tables_have_ours_and_stock(runs: dict[str, Run]) -> None:
    opened, rtt = parse_tables(runs["bench_open.py"].stdout)
    variants = opened.column("variant")
    assert any(v.startswith("ours") for v in variants)
    assert any(v.startswith("stock") for v in variants)
    for done in opened.column("opened"):
        tried, total = done.split("/")
        assert tried == total, f"some opens failed: {done}"
    assert [row[0].split(" ")[0] for row in rtt.rows][:2] == ["ours", "stock"]
