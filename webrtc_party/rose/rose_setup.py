"""Build the party service from what Rose hands its party manager: ``lcu``, state, injection.

Runs on the party's thread (it imports the WebRTC stack). Rose's objects are read, never
changed: the League client's port and password come from Rose's ``lcu`` on every (re)connect
(lcu/core/lcu_connection.py at 59922fc), our pick from Rose's ``SharedState``, and the data
folder from the injection manager's injector (``zips_dir``, injection/core/injector.py 77) or,
failing that, Rose's user data dir (utils/core/paths.py 138-200).
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from webrtc_party.config import link_config_from_env
from webrtc_party.lcu.client import credentials_from_connection, watch_league
from webrtc_party.lcu.gamedata import load_game_data
from webrtc_party.lcu.state import LeagueState
from webrtc_party.party import PartyConfig
from webrtc_party.rose.chat_store import ENV_DATA_DIR, ChatStore, league_chat_from_env
from webrtc_party.rose.chat_switch import ChatSetup
from webrtc_party.rose.chroma_parents import ChromaParents
from webrtc_party.rose.installed import SkinFiles
from webrtc_party.rose.rose_follow import RoseFollower
from webrtc_party.rose.service import PartyService

__all__ = ["RoseFolders", "party_data_dir", "rose_folders", "rose_service", "rose_user_data_dir"]


def rose_user_data_dir(environ: Mapping[str, str], platform: str = sys.platform) -> Path:
    """Rose's data dir: %LOCALAPPDATA%\\Rose on Windows, else $XDG_DATA_HOME/Rose."""
    if platform == "win32":
        local = environ.get("LOCALAPPDATA")
        if local:
            return Path(local) / "Rose"
        profile = environ.get("USERPROFILE")
        if profile:
            return Path(profile) / "AppData" / "Local" / "Rose"
        return Path.cwd() / "skins"  # Rose's own last resort
    xdg = environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "Rose"


def party_data_dir(
    environ: Mapping[str, str], platform: str = sys.platform, rose_dir: Path | None = None
) -> Path:
    """Party mode's own folder (League-chat setting, remembered friends, our party key):
    ``$WEBRTC_PARTY_DATA_DIR``, else ``party-mode`` inside Rose's data dir."""
    explicit = environ.get(ENV_DATA_DIR, "").strip()
    if explicit:
        return Path(explicit)
    return (rose_dir or rose_user_data_dir(environ, platform)) / "party-mode"


@dataclass(frozen=True)
class RoseFolders:
    skins: Path  # skins/{champion}/{skin}/... (Rose's zips_dir)
    mods: Path  # mods/ (historic "path:skins/..." values are relative to it)

    @property
    def custom(self) -> Path:
        return self.mods / "skins"


def rose_folders(
    injection_manager: Any, environ: Mapping[str, str], platform: str = sys.platform
) -> RoseFolders:
    """Where Rose keeps skins and mods: the injector's ``zips_dir`` when there is one."""
    injector = getattr(injection_manager, "injector", None)
    zips = getattr(injector, "zips_dir", None) or getattr(injection_manager, "zips_dir", None)
    if zips:
        skins = Path(zips)
        return RoseFolders(skins, skins.parent / "mods")
    base = _roses_own_data_dir() if injection_manager is not None else None
    base = base or rose_user_data_dir(environ, platform)
    return RoseFolders(base / "skins", base / "mods")


def _roses_own_data_dir() -> Path | None:
    """Inside Rose, Rose's own answer (it also finds the desktop user's folder when Rose runs
    elevated as another account, utils/core/paths.py 156-176)."""
    try:
        from utils.core.paths import get_user_data_dir  # type: ignore[import-not-found]

        found = get_user_data_dir()
    except Exception:  # not inside Rose, or Rose's module failed: use Rose's rules ourselves
        return None
    return Path(found) if isinstance(found, str | os.PathLike) else None


def rose_service(
    lcu: Any,
    state: Any,
    injection_manager: Any,
    *,
    environ: Mapping[str, str] | None = None,
    party_config: PartyConfig | None = None,
    identity_wait: float = 10.0,
    retry_delay: float = 1.0,
    tick: float = 1.0,
    poll: float = 0.25,
) -> PartyService:
    """A party service over Rose's objects. Raises ``ConfigError`` for a bad environment."""
    env = os.environ if environ is None else environ
    config = link_config_from_env(env)
    folders = rose_folders(injection_manager, env)
    names = load_game_data()
    credentials = credentials_from_connection(lcu)

    def league() -> AsyncIterator[LeagueState]:
        return watch_league(credentials=credentials)

    follower = None
    if state is not None:
        parents = ChromaParents(bundled=names.chroma_parents, skins_dir=folders.skins)
        follower = RoseFollower(state, chroma_parent=parents, mods_root=folders.mods, poll=poll)
    source: Callable[[], AsyncIterator[LeagueState]] | None = league if lcu is not None else None
    chat = None
    if lcu is not None:  # League chat through Rose's lcu too (off unless the user opts in)
        base = _roses_own_data_dir() if injection_manager is not None else None
        store = ChatStore(party_data_dir(env, rose_dir=base))
        chat = ChatSetup(credentials, store, override=league_chat_from_env(env))
    return PartyService(
        config,
        source,
        party_config=party_config,
        skins=SkinFiles(folders.skins, folders.custom),
        names=names,
        identity_wait=identity_wait,
        retry_delay=retry_delay,
        tick=tick,
        rose=follower,
        chat=chat,
    )
