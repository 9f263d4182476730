"""Options every networked sub-command shares, and how they become a LinkConfig."""

from __future__ import annotations

import argparse

from signaling.token import DEFAULT_TTL
from webrtc_party.config import DEFAULT_STUN_SERVERS, LinkConfig, parse_ice_url
from webrtc_party.errors import ConfigError
from webrtc_party.interfaces import InterfacePolicy

__all__ = ["add_link_options", "link_config"]


def add_link_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("network")
    group.add_argument(
        "--stun",
        action="append",
        metavar="URL",
        help="STUN server, stun:host[:port] (repeatable; default: a few public ones)",
    )
    group.add_argument("--no-stun", action="store_true", help="no STUN: host candidates only")
    group.add_argument("--turn", metavar="URL", help="TURN server, turn:host[:port][?transport=]")
    group.add_argument("--turn-user", metavar="USER")
    group.add_argument("--turn-password", metavar="PASSWORD")
    group.add_argument(
        "--relay-only", action="store_true", help="use only the TURN relay (hides your address)"
    )
    group.add_argument(
        "--token-ttl",
        type=int,
        default=DEFAULT_TTL,
        metavar="SECONDS",
        help=f"token lifetime ({DEFAULT_TTL})",
    )
    group.add_argument(
        "--connect-timeout", type=float, default=15.0, metavar="SECONDS", help="(15)"
    )
    group.add_argument(
        "--interface",
        action="append",
        metavar="NAME|IP",
        help="gather host candidates only on these interfaces or addresses (repeatable); "
        "on Windows the connection name ('Wi-Fi', 'Ethernet') or the adapter's GUID",
    )


def link_config(args: argparse.Namespace) -> LinkConfig:
    if args.no_stun and args.stun:
        raise ConfigError("--stun and --no-stun contradict each other")
    urls = () if args.no_stun else tuple(args.stun or DEFAULT_STUN_SERVERS)
    stun = tuple(parse_ice_url(u) for u in urls)
    if any(s.scheme != "stun" for s in stun):
        raise ConfigError("--stun takes stun: URLs; use --turn for a TURN server")
    turn = None
    if args.turn:
        turn = parse_ice_url(args.turn, args.turn_user, args.turn_password)
    elif args.turn_user or args.turn_password:
        raise ConfigError("--turn-user/--turn-password need --turn")
    interfaces = InterfacePolicy()
    if args.interface:
        only = tuple(args.interface)
        interfaces = InterfacePolicy(allow_loopback=True, allow_link_local=True, only=only)
    if args.connect_timeout <= 0:
        raise ConfigError("--connect-timeout must be positive")
    return LinkConfig(
        stun=stun,
        turn=turn,
        relay_only=args.relay_only,
        token_ttl=args.token_ttl,
        connect_timeout=args.connect_timeout,
        interfaces=interfaces,
    )
