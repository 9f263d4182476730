"""The layering and purity rules of the package, as one table checked on every module's imports.

Every module of ``signaling`` and ``webrtc_party`` is either a pure core (no I/O, no clock,
no unseeded randomness: ``now`` is passed in; style.md rule 1) or a shell, and the table says
which: a new module fails ``test_every_module_is_pure_or_a_shell`` until someone decides.
``RULES`` then lists what a group of modules must never import. Imports are read with ``ast``
(every import in the file, inside functions and ``TYPE_CHECKING`` blocks too; relative imports
resolved; ``from pkg import name`` seen as ``pkg.name``), so a rule holds without running code.
"""

from __future__ import annotations

import ast
import fnmatch
import functools
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("signaling", "webrtc_party")

# What a pure core never imports: the event loop, the network, threads and processes, the
# file system, clocks and randomness (the union of what the per-area checks banned before).
IO = (
    "aiohttp", "aioice", "aiortc", "asyncio", "datetime", "http", "os", "pyee", "pyperclip",
    "random", "secrets", "shutil", "socket", "ssl", "subprocess", "threading", "time",
    "urllib", "zipfile",
)  # fmt: skip

PURE = (
    # tokens, SDP compaction, the handshake, the chat wire format
    "signaling", "signaling.base62", "signaling.chat", "signaling.errors",
    "signaling.handshake", "signaling.sdp", "signaling.token",
    # the package root (version, logging), its errors and the link's events
    "webrtc_party", "webrtc_party.errors", "webrtc_party.link_events",
    "webrtc_party.heartbeat", "webrtc_party.link_states", "webrtc_party.machine",
    "webrtc_party.intro_tokens", "webrtc_party.views",
    # the party core: gossip, membership, introductions, message codecs
    "webrtc_party.party", "webrtc_party.party.*",
    # the LCU tracker core and the packaged game data it names things with
    "webrtc_party.lcu", "webrtc_party.lcu.diff", "webrtc_party.lcu.errors",
    "webrtc_party.lcu.gamedata", "webrtc_party.lcu.parse", "webrtc_party.lcu.render",
    "webrtc_party.lcu.state", "webrtc_party.lcu.tracker", "webrtc_party.lcu.wamp",
    # the NAT classifier, the process-wide punching budget
    "webrtc_party.nat", "webrtc_party.nat.classify", "webrtc_party.punch_budget",
    # Rose: decisions, records, the view and the bridge's messages
    "webrtc_party.rose.bridge_messages", "webrtc_party.rose.bridge_requests",
    "webrtc_party.rose.control",
    "webrtc_party.rose.errors", "webrtc_party.rose.forms", "webrtc_party.rose.outcomes",
    "webrtc_party.rose.patches", "webrtc_party.rose.bridge_chat",
    "webrtc_party.rose.party_view", "webrtc_party.rose.planning", "webrtc_party.rose.records",
)  # fmt: skip

SHELLS = (
    "signaling.clipboard", "signaling.qr",
    "webrtc_party.__main__", "webrtc_party._aioice_patch", "webrtc_party.beat_channel",
    "webrtc_party.config",
    "webrtc_party.interfaces", "webrtc_party.link", "webrtc_party.link_ice",
    "webrtc_party.linknode",
    "webrtc_party.loops", "webrtc_party.node", "webrtc_party.node_intros", "webrtc_party.punch",
    "webrtc_party.stun_probe", "webrtc_party.tasks",
    "webrtc_party._pyinstaller", "webrtc_party._pyinstaller.hook-webrtc_party",
    # the CLI parses and dispatches
    "webrtc_party.cli", "webrtc_party.cli.common", "webrtc_party.cli.console",
    "webrtc_party.cli.doctor_cmd", "webrtc_party.cli.handshake_cmd", "webrtc_party.cli.identity",
    "webrtc_party.cli.lcu_cmd", "webrtc_party.cli.main", "webrtc_party.cli.node_cmd",
    "webrtc_party.cli.options", "webrtc_party.cli.rose_cmd", "webrtc_party.cli.serve_cmd",
    "webrtc_party.cli.stdin", "webrtc_party.cli.token_cmd",
    # the League client: lockfile, REST/WAMP client, chat, and the emulator (a server)
    "webrtc_party.lcu.chat", "webrtc_party.lcu.client", "webrtc_party.lcu.lockfile",
    "webrtc_party.lcu.windows", "webrtc_party.lcu.emulator", "webrtc_party.lcu.emulator.cert",
    "webrtc_party.lcu.emulator.chat", "webrtc_party.lcu.emulator.payloads",
    "webrtc_party.lcu.emulator.payloads_game", "webrtc_party.lcu.emulator.scenarios",
    "webrtc_party.lcu.emulator.server", "webrtc_party.lcu.emulator.world",
    "webrtc_party.nat.ipv6", "webrtc_party.nat.mapping", "webrtc_party.nat.probe",
    # Rose: files, threads, the bridge server, the service
    "webrtc_party.rose", "webrtc_party.rose.adopt", "webrtc_party.rose.archive",
    "webrtc_party.rose.bridge_guard", "webrtc_party.rose.bridge_handler",
    "webrtc_party.rose.bridge_schema", "webrtc_party.rose.bridge_server",
    "webrtc_party.rose.chat_handshake", "webrtc_party.rose.chat_store",
    "webrtc_party.rose.chat_switch", "webrtc_party.rose.league_follow",
    "webrtc_party.rose.chroma_parents", "webrtc_party.rose.demo", "webrtc_party.rose.injection",
    "webrtc_party.rose.installed", "webrtc_party.rose.layout", "webrtc_party.rose.league_chat",
    "webrtc_party.rose.manager", "webrtc_party.rose.modindex", "webrtc_party.rose.ownership",
    "webrtc_party.rose.party_thread", "webrtc_party.rose.preparer",
    "webrtc_party.rose.private_file",
    "webrtc_party.rose.rose_follow", "webrtc_party.rose.rose_setup",
    "webrtc_party.rose.rose_state", "webrtc_party.rose.service",
)  # fmt: skip


@dataclass(frozen=True)
class Rule:
    """``modules`` (dotted names, ``*`` wildcards) never import a name under ``never``
    unless it is under ``unless``; with ``only``, every import is under one of ``only``;
    with ``no_shell``, no import is a module ``SHELLS`` lists."""

    says: str
    modules: tuple[str, ...]
    never: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    only: tuple[str, ...] | None = None
    no_shell: bool = False


RULES = (
    Rule("signaling/ imports nothing of webrtc_party", ("signaling", "signaling.*"),
         never=("webrtc_party",)),
    Rule("the party core imports no shell: of webrtc_party only itself, the error root, "
         "the version and the pure transition tables",
         ("webrtc_party.party", "webrtc_party.party.*"),
         never=("webrtc_party",),
         unless=("webrtc_party.party", "webrtc_party.errors", "webrtc_party.__version__",
                 "webrtc_party.machine")),
    Rule("the LCU adapter imports nothing of the party: of webrtc_party only itself and the "
         "error root", ("webrtc_party.lcu", "webrtc_party.lcu.*"),
         never=("webrtc_party",), unless=("webrtc_party.lcu", "webrtc_party.errors")),
    Rule("a pure core does no I/O and reads no clock", PURE, never=IO),
    Rule("a pure core imports no shell", PURE, no_shell=True),
    Rule("the NAT classifier imports only enum, dataclasses and typing",
         ("webrtc_party.nat.classify",), only=("__future__", "dataclasses", "enum", "typing")),
    Rule("the form table and its sentences stand on dataclasses, forms and records alone "
         "(and collections.abc's types)",
         ("webrtc_party.rose.forms", "webrtc_party.rose.outcomes"),
         only=("__future__", "collections.abc", "dataclasses", "webrtc_party.rose.forms",
               "webrtc_party.rose.records")),
)  # fmt: skip


# ------------------------------------------------------------------ reading imports


def module_files() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = module_files()


def imports_of(source: str, module: str, *, is_package: bool = False) -> list[tuple[str, int]]:
    """(dotted name, line) of every import in ``source``, the module being ``module``."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*up, *([node.module] if node.module else [])])
            found += [(f"{base}.{alias.name}", node.lineno) for alias in node.names]
    return found


@functools.cache
def imports(module: str) -> tuple[tuple[str, int], ...]:
    path = MODULES[module]
    return tuple(imports_of(path.read_text(), module, is_package=path.name == "__init__.py"))


def under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def matches(module: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(module, p) for p in patterns)


def module_named(name: str) -> str | None:
    """The module of this package that an imported name lives in (the longest match)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def breaches(rule: Rule, found: tuple[tuple[str, int], ...] | list[tuple[str, int]]) -> list[str]:
    bad: list[str] = []
    for name, line in found:
        if name.startswith("__future__."):
            continue
        if under(name, rule.never) and not under(name, rule.unless):
            bad.append(f"{name} (line {line})")
        elif rule.only is not None and not under(name, rule.only):
            bad.append(f"{name} (line {line}), not one of {', '.join(rule.only)}")
        elif rule.no_shell and (home := module_named(name)) is not None and home in SHELLS:
            bad.append(f"{name} (line {line}), and {home} is a shell")
    return bad


# ------------------------------------------------------------------ the table itself


def test_every_module_is_pure_or_a_shell() -> None:
    unsorted = [m for m in MODULES if not matches(m, PURE) and m not in SHELLS]
    both = [m for m in MODULES if matches(m, PURE) and m in SHELLS]
    assert not unsorted, (
        f"{unsorted}: not in tests/test_layers.py; add each to PURE (no I/O, `now` passed in) "
        "or to SHELLS"
    )
    assert not both, f"{both}: listed as pure and as a shell in tests/test_layers.py"


def test_the_table_names_only_modules_that_exist() -> None:
    patterns = {*PURE, *SHELLS, *(p for rule in RULES for p in rule.modules)}
    stale = sorted(p for p in patterns if not any(fnmatch.fnmatchcase(m, p) for m in MODULES))
    assert not stale, f"tests/test_layers.py names modules that do not exist: {stale}"


CASES = [(rule, module) for rule in RULES for module in MODULES if matches(module, rule.modules)]


@pytest.mark.parametrize(("rule", "module"), CASES, ids=[f"{m}: {r.says[:40]}" for r, m in CASES])
def test_module_keeps_the_rule(rule: Rule, module: str) -> None:
    bad = breaches(rule, imports(module))
    assert not bad, f"{module} breaks '{rule.says}': it imports {'; '.join(bad)}"


# ------------------------------------------------------------------ the checker can fail


def test_the_checker_sees_every_kind_of_import() -> None:
    source = (
        "import os.path\n"
        "from time import monotonic\n"
        "from . import sibling\n"
        "from ..errors import PartyError\n"
        "def later():\n"
        "    import asyncio\n"
    )
    found = imports_of(source, "webrtc_party.party.core")
    assert found == [
        ("os.path", 1),
        ("time.monotonic", 2),
        ("webrtc_party.party.sibling", 3),
        ("webrtc_party.errors.PartyError", 4),
        ("asyncio", 6),
    ]
    pure = next(r for r in RULES if r.never == IO)
    assert [b.split()[0] for b in breaches(pure, found)] == ["os.path", "time.monotonic", "asyncio"]


def test_the_rules_catch_a_shell() -> None:
    pure, no_shell, party = (
        next(r for r in RULES if r.never == IO),
        next(r for r in RULES if r.no_shell),
        next(r for r in RULES if "party core" in r.says),
    )
    link = imports("webrtc_party.link")
    assert {b.split()[0].split(".")[0] for b in breaches(pure, link)} >= {"asyncio", "aiortc"}
    assert any("webrtc_party.tasks is a shell" in b for b in breaches(no_shell, link))
    assert breaches(party, [("webrtc_party.node.PartyNode", 3)]) == [
        "webrtc_party.node.PartyNode (line 3)"
    ]
    assert breaches(party, [("webrtc_party.__version__", 1), ("webrtc_party.errors.X", 2)]) == []
