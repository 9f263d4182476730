"""What League-chat party mode keeps between runs: the opt-in setting, remembered friends
and our party key, in the user's data dir (docs/league-chat.md, "Remembered friends").

Pure codecs (``decode_settings``, ``decode_friends``: versioned, size-limited, raising only
:class:`StoreFileError`) and a small shell, :class:`ChatStore`, that reads them once, writes
each change atomically (a temporary file, fsync, ``os.replace``; readable by this user only)
and never raises for a bad file: a corrupt one is set aside as ``<name>.corrupt``, a warning
says so, and the defaults are used.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from webrtc_party.errors import ConfigError, LocalError
from webrtc_party.rose.private_file import write_private

__all__ = [
    "ENV_DATA_DIR",
    "ENV_LEAGUE_CHAT",
    "MAX_FRIENDS",
    "ChatSettings",
    "ChatStore",
    "RememberedFriend",
    "StoreFileError",
    "decode_friends",
    "decode_settings",
    "encode_friends",
    "encode_settings",
    "league_chat_from_env",
]

log = logging.getLogger(__name__)
ENV_LEAGUE_CHAT = "WEBRTC_PARTY_LEAGUE_CHAT"  # 1/true/on or 0/false/off
ENV_DATA_DIR = "WEBRTC_PARTY_DATA_DIR"
VERSION = 1
MAX_FRIENDS = 200  # the least recently linked is forgotten first
MAX_FILE = 256 * 1024  # bytes
MAX_NAME = 64
PUUID = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
_TRUE, _FALSE = {"1", "true", "on", "yes"}, {"0", "false", "off", "no"}


class StoreFileError(LocalError):
    """A settings or friends file is not in the format this version writes."""

    user_message = (
        "A party-mode settings or friends file is damaged or from another version; "
        "it was set aside and the defaults are used."
    )


def league_chat_from_env(environ: Mapping[str, str]) -> bool | None:
    """``WEBRTC_PARTY_LEAGUE_CHAT``: True/False, or None when unset or empty."""
    raw = environ.get(ENV_LEAGUE_CHAT, "").strip().lower()
    if not raw:
        return None
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ConfigError(f"{ENV_LEAGUE_CHAT}={raw[:20]!r}: use 1 (on) or 0 (off)")


@dataclass(frozen=True)
class ChatSettings:
    league_chat: bool = False  # off by default: Riot dislikes automated chat
    explained: bool = False  # the panel showed what friends will see


@dataclass(frozen=True)
class RememberedFriend:
    puuid: str
    key: bytes  # the Ed25519 party key its hello carried
    name: str  # Riot ID when last linked
    linked_at: float  # unix seconds

    def __post_init__(self) -> None:
        if not PUUID.match(self.puuid):
            raise StoreFileError(f"bad PUUID {self.puuid[:20]!r}")
        if len(self.key) != 32:
            raise StoreFileError("a party key is 32 bytes")
        if len(self.name) > MAX_NAME:
            raise StoreFileError("a name is at most 64 characters")


def _object(text: str, kind: str) -> dict[str, Any]:
    if len(text) > MAX_FILE:
        raise StoreFileError(f"the {kind} file is larger than {MAX_FILE} bytes")
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise StoreFileError(f"the {kind} file is not JSON ({exc})") from None
    if not isinstance(obj, dict) or obj.get("version") != VERSION:
        raise StoreFileError(f"the {kind} file is not version {VERSION} of our format")
    return obj


def encode_settings(settings: ChatSettings) -> str:
    fields = {"league_chat": settings.league_chat, "explained": settings.explained}
    return json.dumps({"version": VERSION, **fields})


def decode_settings(text: str) -> ChatSettings:
    obj = _object(text, "settings")
    on, explained = obj.get("league_chat", False), obj.get("explained", False)
    if not isinstance(on, bool) or not isinstance(explained, bool):
        raise StoreFileError("league_chat and explained must be true or false")
    return ChatSettings(on, explained)


def encode_friends(friends: Mapping[str, RememberedFriend]) -> str:
    rows = [
        {
            "puuid": f.puuid,
            "key": base64.b64encode(f.key).decode("ascii"),
            "name": f.name,
            "linked_at": f.linked_at,
        }
        for f in sorted(friends.values(), key=lambda f: -f.linked_at)
    ]
    return json.dumps({"version": VERSION, "friends": rows}, indent=1, allow_nan=False)


def decode_friends(text: str) -> dict[str, RememberedFriend]:
    rows = _object(text, "friends").get("friends")
    if not isinstance(rows, list) or len(rows) > MAX_FRIENDS:
        raise StoreFileError(f"'friends' must be a list of at most {MAX_FRIENDS}")
    out: dict[str, RememberedFriend] = {}
    for row in rows:
        if not isinstance(row, dict):
            raise StoreFileError("a remembered friend must be an object")
        puuid, key, name, at = (row.get(k) for k in ("puuid", "key", "name", "linked_at"))
        if not isinstance(puuid, str) or not isinstance(key, str) or not isinstance(name, str):
            raise StoreFileError("puuid, key and name must be text")
        if isinstance(at, bool) or not isinstance(at, int | float):
            raise StoreFileError("linked_at must be a number")
        try:
            at = float(at)
        except OverflowError:
            raise StoreFileError("linked_at is too large") from None
        if not math.isfinite(at):
            raise StoreFileError("linked_at must be a finite number")
        try:
            raw = base64.b64decode(key, validate=True)
        except (binascii.Error, ValueError):
            raise StoreFileError("a key is not base64") from None
        out[puuid.lower()] = RememberedFriend(puuid.lower(), raw, name, at)
    return out


class ChatStore:
    """``settings.json``, ``friends.json`` and ``party-key`` in ``folder`` (read at once)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.warnings: list[str] = []  # sentences for the panel (a file set aside, a failed write)
        self.key_saved = False  # the last party_key() is the one in the data dir
        self.settings: ChatSettings = self._load("settings.json", decode_settings, ChatSettings())
        self.friends: dict[str, RememberedFriend] = self._load("friends.json", decode_friends, {})

    def _load(self, name: str, decode: Any, default: Any) -> Any:
        path = self.folder / name
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return default
        except (OSError, UnicodeDecodeError) as exc:
            self._warn(f"{path} could not be read ({exc}); using the defaults.")
            return default
        try:
            return decode(text)
        except StoreFileError as exc:
            aside = path.with_name(path.name + ".corrupt")
            try:
                os.replace(path, aside)
            except OSError:
                aside = path
            self._warn(f"{path} was damaged ({exc}); kept as {aside.name}, starting afresh.")
            return default

    def _warn(self, text: str) -> None:
        log.warning("party data: %s", text)
        self.warnings.append(text)

    def _save(self, name: str, text: str) -> bool:
        """Write one file; False (and a warning) when it could not be written."""
        try:
            write_private(self.folder / name, text)
        except OSError as exc:
            self._warn(f"{self.folder / name} could not be written ({exc}); kept for this run.")
            return False
        return True

    # -- the setting ------------------------------------------------------------------------

    def set_league_chat(self, on: bool, *, explained: bool | None = None) -> ChatSettings:
        settings = replace(self.settings, league_chat=on)
        if explained is not None:
            settings = replace(settings, explained=explained or settings.explained)
        if settings != self.settings:
            self.settings = settings
            self._save("settings.json", encode_settings(settings))
        return settings

    # -- remembered friends -----------------------------------------------------------------

    def remember(self, puuid: str, key: bytes, name: str, now: float) -> None:
        """Remember (or refresh) ``puuid`` with ``key``; the oldest go beyond the bound."""
        puuid = puuid.lower()
        friend = RememberedFriend(puuid, key, name[:MAX_NAME], now)
        old = self.friends.get(puuid)
        if old is not None and (old.key, old.name) == (key, friend.name):
            if now - old.linked_at < 3600:  # a fresh link does not rewrite the file each time
                return
        self.friends[puuid] = friend
        while len(self.friends) > MAX_FRIENDS:
            oldest = min(self.friends.values(), key=lambda f: f.linked_at)
            del self.friends[oldest.puuid]
        self._save("friends.json", encode_friends(self.friends))

    def forget(self, puuid: str | None) -> int:
        """Forget one friend (``None``: all of them); how many were forgotten."""
        if puuid is None:
            gone = len(self.friends)
            self.friends.clear()
        else:
            gone = 1 if self.friends.pop(puuid.lower(), None) is not None else 0
        if gone:
            self._save("friends.json", encode_friends(self.friends))
        return gone

    # -- our party key ----------------------------------------------------------------------

    def party_key(self, new: Ed25519PrivateKey | None = None) -> Ed25519PrivateKey:
        """Our Ed25519 party key, kept so that friends can remember it; the first call saves
        ``new`` (or a fresh key). Called only once League chat is on: nothing is written
        for a user who never opts in. ``key_saved`` then says whether the key returned is
        the one in the data dir (False when writing it failed: friends must not remember a
        key that will not exist next run)."""
        path = self.folder / "party-key"
        self.key_saved = False
        try:
            raw = base64.b64decode(path.read_text(encoding="ascii").strip(), validate=True)
            if len(raw) == 32:
                self.key_saved = True
                return Ed25519PrivateKey.from_private_bytes(raw)
            self._warn(f"{path} is not a party key; a new key is made (friends re-link).")
        except FileNotFoundError:
            pass
        except (OSError, ValueError, binascii.Error) as exc:
            self._warn(f"{path} could not be read ({exc}); a new key is made (friends re-link).")
        key = new or Ed25519PrivateKey.generate()
        raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        self.key_saved = self._save("party-key", base64.b64encode(raw).decode("ascii") + "\n")
        return key
