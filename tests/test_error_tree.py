"""One error tree (docs/errors.md): every error class descends from PartyModeError, says
whose fault it is, owns its user sentence; signaling stays free of webrtc_party."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from signaling.errors import (
    LocalError,
    OwnTokenError,
    PartyModeError,
    RemoteError,
    SignalingError,
    TokenError,
    UnknownInviteError,
)
from signaling.handshake import check_answer
from tests.test_handshake import answer_to
from tests.test_token import make
from webrtc_party.cli.common import (
    EXIT_CONNECT,
    EXIT_ERROR,
    EXIT_LOCAL,
    EXIT_REMOTE,
    EXIT_TOKEN,
    exit_code_for,
)
from webrtc_party.errors import ConnectError, PartyError
from webrtc_party.lcu.errors import LcuError, LcuTlsError, LockfileNotFoundError
from webrtc_party.rose.demo import DemoError

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("signaling", "webrtc_party")
# Bases that group errors by package, not by fault: they sit beside Local/RemoteError.
GROUPS = {PartyModeError, LocalError, RemoteError, SignalingError, LcuError}
# A failed self-check of the demo is nobody's fault: it keeps the CLI's exit code 1.
UNSPLIT = {DemoError}


def _error_classes() -> list[type[BaseException]]:
    """Every public exception class defined in the two packages' sources."""
    found: list[type[BaseException]] = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "_pyinstaller" in path.parts:
                continue
            tree = ast.parse(path.read_text(), str(path))
            names = [
                node.name
                for node in tree.body
                if isinstance(node, ast.ClassDef)
                and not node.name.startswith("_")
                and (node.name.endswith(("Error", "Exception")))
            ]
            if not names:
                continue
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            loaded = importlib.import_module(module)
            found += [getattr(loaded, name) for name in names]
    return found


CLASSES = _error_classes()


def test_the_scan_sees_the_whole_tree() -> None:
    names = {cls.__name__ for cls in CLASSES}
    assert len(CLASSES) >= 45
    assert {"PartyModeError", "TokenError", "ProtocolError", "LcuAuthError", "WampError"} <= names


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_error_descends_from_the_root_and_owns_its_message(
    cls: type[BaseException],
) -> None:
    assert issubclass(cls, PartyModeError)
    message = vars(cls).get("user_message")
    assert isinstance(message, str) and message.strip(), "defines no user_message of its own"
    assert message[0].isupper() and message.rstrip().endswith("."), message
    assert cls.__doc__ and cls.__doc__.strip()


@pytest.mark.parametrize(
    "cls", [c for c in CLASSES if c not in GROUPS | UNSPLIT], ids=lambda c: c.__name__
)
def test_every_error_is_local_or_remote_not_both(cls: type[BaseException]) -> None:
    assert issubclass(cls, LocalError) != issubclass(cls, RemoteError)


def test_str_is_the_class_sentence_when_the_raiser_gives_none() -> None:
    made = 0
    for cls in CLASSES:
        try:
            exc = cls()
        except TypeError:  # needs its facts (BridgeMessageError, LcuRequestError)
            continue
        assert str(exc) == vars(cls)["user_message"]
        made += 1
    assert made >= 40
    assert str(UnknownInviteError("more specific")) == "more specific"


def test_own_token_names_the_token() -> None:
    assert "your own invite" in str(OwnTokenError(what="invite"))
    assert "your own answer" in str(OwnTokenError(what="answer"))
    assert str(OwnTokenError()) == OwnTokenError.user_message


def test_party_error_is_the_root_and_catches_tokens() -> None:
    assert PartyError is PartyModeError
    assert issubclass(TokenError, RemoteError) and issubclass(TokenError, ValueError)
    with pytest.raises(PartyError):
        raise UnknownInviteError()


def test_exit_codes_by_class_are_unchanged() -> None:
    assert exit_code_for(OwnTokenError()) == EXIT_TOKEN
    assert exit_code_for(ConnectError()) == EXIT_CONNECT
    assert exit_code_for(LockfileNotFoundError()) == EXIT_LOCAL
    assert exit_code_for(LcuTlsError()) == EXIT_REMOTE
    assert exit_code_for(DemoError()) == EXIT_ERROR
    assert exit_code_for(RuntimeError()) == EXIT_ERROR


def test_signaling_imports_nothing_of_webrtc_party() -> None:
    modules = []
    for path in sorted((ROOT / "signaling").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules += [(path.name, a.name) for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                modules.append((path.name, node.module))
        if path.stem != "__init__":
            modules.append(("load", f"signaling.{path.stem}"))
    assert not [m for m in modules if m[1].split(".")[0] == "webrtc_party"]
    load = [name for where, name in modules if where == "load"]
    code = (
        f"import sys\nfor m in {load!r}: __import__(m)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'webrtc_party')\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=60)


def test_own_token_and_unknown_invite_are_raised_in_the_handshake_layer_only() -> None:
    """The shells call signaling.handshake; they neither raise nor word these two."""
    shells = ("link.py", "link_ice.py", "linknode.py", "node.py", "node_intros.py")
    for shell in (f"webrtc_party/{name}" for name in shells):
        tree = ast.parse((ROOT / shell).read_text())
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        assert not names & {"OwnTokenError", "UnknownInviteError"}, shell


def test_check_answer_refuses_our_invite_and_another_invites_answer() -> None:
    invite = make()
    other = replace(invite, fingerprint=bytes([5]) * 32)
    assert other.ref != invite.ref
    answer = answer_to(invite)
    check_answer(answer, invite)
    with pytest.raises(UnknownInviteError):
        check_answer(answer, other)
    with pytest.raises(OwnTokenError, match="own invite"):
        check_answer(replace(answer, fingerprint=invite.fingerprint), invite)
