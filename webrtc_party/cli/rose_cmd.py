"""``webrtc-party rose adopt ROSE_DIR``: make a Rose checkout use webrtc-party's party mode."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from webrtc_party.cli.common import EXIT_OK
from webrtc_party.rose.adopt import Action, adopt

__all__ = ["register"]


def register(sub: Any) -> None:
    p = sub.add_parser("rose", help="Rose, the skin changer webrtc-party plugs into")
    rsub = p.add_subparsers(dest="rose_cmd", required=True, metavar="ACTION")
    a = rsub.add_parser(
        "adopt",
        help="point a Rose checkout's party mode at webrtc-party",
        description=(
            "Writes Rose's party/core/party_manager.py and party/integration/injection_hook.py "
            "as one import each from webrtc_party.rose and replaces Pengu Loader/plugins/"
            "ROSE-PartyMode with webrtc-party's panel. Nothing else in Rose changes, unless "
            "--swiftplay or --default-skin is given (docs/rose-adoption.md). Safe to run again."
        ),
    )
    a.add_argument("rose_dir", type=Path, metavar="ROSE_DIR", help="the Rose checkout (source)")
    a.add_argument(
        "--swiftplay",
        action="store_true",
        help="also patch threads/handlers/swiftplay_handler.py so Swiftplay games get party "
        "mods, also when both your champions keep their default skins",
    )
    a.add_argument(
        "--default-skin",
        action="store_true",
        help="also patch threads/handlers/injection_trigger.py so friends' skins are injected "
        "when your own skin is the default in champion select (Rose skips its overlay then)",
    )
    a.add_argument("--dry-run", action="store_true", help="say what would change, change nothing")
    a.set_defaults(command=_adopt)


def _adopt(args: argparse.Namespace) -> int:
    changes = adopt(
        args.rose_dir,
        swiftplay=args.swiftplay,
        default_skin=args.default_skin,
        dry_run=args.dry_run,
    )
    for change in changes:
        print(change.describe(dry_run=args.dry_run))
    changed = sum(c.action is not Action.UNCHANGED for c in changes)
    if args.dry_run:
        summary = f"dry run: {changed} change(s) would be made in {args.rose_dir}"
    elif changed:
        summary = f"adopted {args.rose_dir}: {changed} change(s)"
    else:
        summary = f"{args.rose_dir} was already adopted; nothing changed"
    print(summary, file=sys.stderr)
    return EXIT_OK
