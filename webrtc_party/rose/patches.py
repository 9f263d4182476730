"""The optional Rose patches of ``webrtc-party rose adopt``: each one anchored insertion.

Rose 59922fc never asks the party hook in two places; each patch adds the call there and
nothing else (docs/rose-adoption.md):

* ``--swiftplay`` (:func:`patch_swiftplay`): ``threads/handlers/swiftplay_handler.py``, in
  two places. ``run_swiftplay_overlay``: friends' mods join the Swiftplay overlay's
  ``extracted_mods``. ``trigger_swiftplay_injection``: where Rose gives up because it has
  nothing of ours to extract (no tracked skin, none for the lobby's champions, or only default
  skins, which have no file), friends' mods become the extracted mods, so Rose's phase handler
  still runs the overlay, with friends' mods only;
* ``--default-skin`` (:func:`patch_default_skin`): ``threads/handlers/injection_trigger.py``,
  the branch of ``trigger_injection`` that skips the injection when our own skin is the
  default: with party mode on, the hook runs an overlay of friends' mods alone
  (:meth:`~webrtc_party.rose.injection.PartyInjectionHook.run_party_overlay`).

Each patch finds its anchor by the exact text of Rose's lines, refuses with an
:class:`AdoptError` (and no change) when that text is not there exactly once, keeps the file's
line endings, and leaves a patched file as it is (its marker line is already there).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from webrtc_party.errors import LocalError

__all__ = [
    "DEFAULT_SKIN_FILE",
    "DEFAULT_SKIN_MARKER",
    "SWIFTPLAY_FILE",
    "SWIFTPLAY_MARKER",
    "SWIFTPLAY_TRIGGER_MARKER",
    "AdoptError",
    "patch_default_skin",
    "patch_swiftplay",
]

SWIFTPLAY_FILE = PurePosixPath("threads/handlers/swiftplay_handler.py")
SWIFTPLAY_MARKER = "# webrtc-party: party mods in the Swiftplay overlay"
SWIFTPLAY_TRIGGER_MARKER = "# webrtc-party: party mods when Rose extracts none of ours"
DEFAULT_SKIN_FILE = PurePosixPath("threads/handlers/injection_trigger.py")
DEFAULT_SKIN_MARKER = "# webrtc-party: party mods when our own skin is the default"


class AdoptError(LocalError):
    """The Rose checkout cannot be adopted as it is; nothing was changed."""

    user_message = "This Rose folder cannot be adopted as it is; nothing was changed."


# The Swiftplay anchor: inside ``run_swiftplay_overlay``, the log line just before Rose runs
# the overlay with ``extracted_mods``. Party mods are added to that list right before it.
_SWIFTPLAY_ANCHOR = re.compile(
    r'^(?P<indent>[ \t]+)log\.info\(f"\[phase\] Running overlay injection for '
    r"\{len\(extracted_mods\)\}[^\n]*\n",
    re.M,
)
_SWIFTPLAY_RUN = "_mk_run_overlay("


def _swiftplay_block(indent: str, nl: str) -> str:
    lines = [
        SWIFTPLAY_MARKER + " (optional patch, `webrtc-party rose adopt --swiftplay`)",
        'party_manager = getattr(self.state, "party_manager", None)',
        "if party_manager is not None:",
        "    try:",
        "        from party.integration.injection_hook import PartyInjectionHook",
        "",
        "        hook = PartyInjectionHook(party_manager, self.state, self.injection_manager)",
        "        extracted_mods = hook.swiftplay_overlay_mods(",
        "            self.injection_manager.injector, extracted_mods",
        "        )",
        "        if not extracted_mods:",
        '            log.info("[phase] webrtc-party: no mods left for the Swiftplay overlay")',
        "            return",
        "    except Exception as exc:  # the overlay must still run without party mods",
        '        log.warning("[phase] webrtc-party: no party mods for Swiftplay: %s", exc)',
        "",
    ]
    return _indented(lines, indent, nl)


def _swiftplay_trigger_block(indent: str, nl: str) -> str:
    lines = [
        SWIFTPLAY_TRIGGER_MARKER + " (optional patch, `webrtc-party rose adopt --swiftplay`)",
        'party_manager = getattr(self.state, "party_manager", None)',
        'if getattr(party_manager, "enabled", False):',
        "    try:",
        "        from party.integration.injection_hook import PartyInjectionHook",
        "",
        "        hook = PartyInjectionHook(party_manager, self.state, self.injection_manager)",
        "        party_mods = hook.prepare_swiftplay_party_mods() if hook.is_enabled() else []",
        "        if party_mods:",
        "            self.state.swiftplay_extracted_mods = party_mods",
        "    except Exception as exc:  # Rose goes on as it would without the patch",
        '        log.warning("[phase] webrtc-party: no party mods for Swiftplay: %s", exc)',
    ]
    return _indented(lines, indent, nl)


def _indented(lines: list[str], indent: str, nl: str) -> str:
    return "".join(f"{indent}{line}{nl}" if line else nl for line in lines)


def _method_body(text: str, name: str) -> tuple[int, int]:
    """(start, end) of the one ``def name(self)`` in ``text``; AdoptError otherwise."""
    defs = list(re.finditer(rf"^([ \t]*)def {name}\(self\)", text, re.M))
    if len(defs) != 1:
        raise AdoptError(
            f"{SWIFTPLAY_FILE}: expected one 'def {name}(self)', found {len(defs)}; Rose's "
            "Swiftplay code has changed, so the --swiftplay patch was not applied (nothing was "
            "changed)"
        )
    start = defs[0].end()
    following = re.search(rf"^[ \t]{{0,{len(defs[0].group(1))}}}def \w", text[start:], re.M)
    return start, start + following.start() if following else len(text)


# The trigger's anchors: in ``trigger_swiftplay_injection``, the three places where Rose gives
# up for want of anything of ours: each a WARNING line followed by ``return`` at its indent.
# The party block goes between the two, so Rose's line is logged and Rose returns as before.
_TRIGGER_GIVE_UPS = (
    "No tracked skins - cannot trigger injection",
    "No tracked skins for active champions - cannot trigger injection",
    "No mods extracted - cannot inject",
)


def _trigger_anchor(text: str, start: int, end: int, message: str) -> re.Match[str]:
    pattern = re.compile(
        rf'^(?P<indent>[ \t]+)log\.warning\("\[phase\] {re.escape(message)}"\)[ \t]*'
        r"(?P<nl>\r?\n)(?P=indent)return[ \t]*\r?\n",
        re.M,
    )
    found = list(pattern.finditer(text, start, end))
    if len(found) != 1:
        raise AdoptError(
            f"{SWIFTPLAY_FILE}: the line that logs '{message}' followed by 'return' was found "
            f"{len(found)} time(s) in trigger_swiftplay_injection (expected once); Rose's "
            "Swiftplay code has changed, so the --swiftplay patch was not applied (nothing was "
            "changed)"
        )
    return found[0]


def _patch_trigger(text: str) -> str:
    start, end = _method_body(text, "trigger_swiftplay_injection")
    anchors = [_trigger_anchor(text, start, end, m) for m in _TRIGGER_GIVE_UPS]
    pieces, done = [], 0
    for anchor in sorted(anchors, key=lambda a: a.start()):
        cut = anchor.end("nl")  # right after Rose's log line, before its return
        pieces += [text[done:cut], _swiftplay_trigger_block(anchor["indent"], anchor["nl"])]
        done = cut
    return "".join([*pieces, text[done:]])


def _patch_overlay(text: str) -> str:
    start, end = _method_body(text, "run_swiftplay_overlay")
    anchors = list(_SWIFTPLAY_ANCHOR.finditer(text, start, end))
    if len(anchors) != 1 or _SWIFTPLAY_RUN not in text[anchors[0].end() : end]:
        raise AdoptError(
            f"{SWIFTPLAY_FILE}: the line that logs 'Running overlay injection for ...' before "
            f"the overlay runs was found {len(anchors)} time(s) in run_swiftplay_overlay "
            "(expected once, followed by _mk_run_overlay); Rose's Swiftplay code has "
            "changed, so the --swiftplay patch was not applied (nothing was changed)"
        )
    anchor = anchors[0]
    nl = "\r\n" if anchor.group(0).endswith("\r\n") else "\n"
    block = _swiftplay_block(anchor.group("indent"), nl)
    return text[: anchor.start()] + block + text[anchor.start() :]


def patch_swiftplay(text: str) -> str:
    """Rose's Swiftplay handler with party mods in its overlay, also when Rose has none of
    ours to extract (the same text if already patched).

    Raises :class:`AdoptError` unless every anchor is found exactly once: in
    ``run_swiftplay_overlay`` the log line followed by the overlay run, in
    ``trigger_swiftplay_injection`` each of Rose's three give-up lines followed by
    ``return``. Rose's code moved and a blind insertion could break it. A handler patched by
    an older webrtc-party (the overlay block without the trigger's) is refused with the way
    out.
    """
    overlay, trigger = SWIFTPLAY_MARKER in text, SWIFTPLAY_TRIGGER_MARKER in text
    if overlay and trigger:  # already patched
        return text
    if overlay or trigger:
        raise AdoptError(
            f"{SWIFTPLAY_FILE} holds only part of the --swiftplay patch (patched by an older "
            "webrtc-party or edited by hand); restore it from Rose's git (git checkout -- "
            f"{SWIFTPLAY_FILE}) and adopt again (nothing was changed)"
        )
    return _patch_trigger(_patch_overlay(text))


# The default-skin anchor: in ``trigger_injection``, the branch taken for a default skin with
# no mods selected (``if ui_skin_id is not None and is_default_skin(ui_skin_id) and not
# historic_active:``), whose first line logs that the injection is skipped. The party overlay
# runs right after that line; Rose's own lines (resume the game, clear the historic entry)
# follow as before.
_DEFAULT_IF = re.compile(
    r"^(?P<indent>[ \t]*)if ui_skin_id is not None and is_default_skin\(ui_skin_id\) "
    r"and not historic_active:[ \t]*\r?\n",
    re.M,
)
_DEFAULT_LOG = re.compile(
    r'(?P<indent>[ \t]+)log\.info\(f"\[INJECT\] skipping injection for default skin '
    r'\(skinId=\{ui_skin_id\}\) - no mods selected"\)[ \t]*(?P<nl>\r?\n)'
)


def _default_skin_block(indent: str, nl: str) -> str:
    lines = [
        DEFAULT_SKIN_MARKER + " (optional patch, `webrtc-party rose adopt --default-skin`)",
        'party_manager = getattr(self.state, "party_manager", None)',
        'if self.injection_manager and getattr(party_manager, "enabled", False):',
        "    try:",
        "        from party.integration.injection_hook import PartyInjectionHook",
        "",
        "        hook = PartyInjectionHook(party_manager, self.state, self.injection_manager)",
        "        if hook.is_enabled():",
        "            hook.run_party_overlay()",
        "    except Exception as exc:  # Rose goes on as it would without the patch",
        '        log.warning("[INJECT] webrtc-party: default skin, no party mods: %s", exc)',
        "",
    ]
    return "".join(f"{indent}{line}{nl}" if line else nl for line in lines)


def patch_default_skin(text: str) -> str:
    """Rose's injection trigger running the party overlay when our skin is the default (the
    same text if already patched).

    Raises :class:`AdoptError` unless the default-skin branch and its "skipping injection"
    log line are found exactly once, the log line being the branch's first line.
    """
    if DEFAULT_SKIN_MARKER in text:
        return text
    branches = list(_DEFAULT_IF.finditer(text))
    if len(branches) != 1:
        raise AdoptError(
            f"{DEFAULT_SKIN_FILE}: expected one 'if ui_skin_id is not None and "
            f"is_default_skin(ui_skin_id) and not historic_active:', found {len(branches)}; "
            "Rose's injection trigger has changed, so the --default-skin patch was not applied "
            "(nothing was changed)"
        )
    branch = branches[0]
    log_line = _DEFAULT_LOG.match(text, branch.end())
    if log_line is None or len(log_line.group("indent")) <= len(branch.group("indent")):
        raise AdoptError(
            f"{DEFAULT_SKIN_FILE}: the default-skin branch does not start with the line that "
            "logs 'skipping injection for default skin (skinId=...) - no mods selected'; "
            "Rose's injection trigger has changed, so the --default-skin patch was not applied "
            "(nothing was changed)"
        )
    block = _default_skin_block(log_line.group("indent"), log_line.group("nl"))
    return text[: log_line.end()] + block + text[log_line.end() :]
