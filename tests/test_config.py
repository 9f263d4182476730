"""Settings: ICE URLs, interface hygiene, the aioice version guard."""

from __future__ import annotations

import aioice
import pytest

from webrtc_party import _aioice_patch as patch
from webrtc_party.config import LinkConfig, parse_ice_url
from webrtc_party.errors import ConfigError, UnsupportedDependencyError
from webrtc_party.interfaces import InterfacePolicy, LocalAddress, select_addresses


def test_ice_urls() -> None:
    stun = parse_ice_url("stun:stun.example.org")
    assert (stun.scheme, stun.host, stun.port) == ("stun", "stun.example.org", 3478)
    turn = parse_ice_url("turn:203.0.113.10:3479?transport=tcp", "u", "p")
    assert (turn.port, turn.transport, turn.url) == (
        3479,
        "tcp",
        "turn:203.0.113.10:3479?transport=tcp",
    )
    assert parse_ice_url("turns:[2001:db8::1]", "u", "p").port == 5349
    for bad in ["http://x", "stun:", "stun:a:99999", "stun:a?transport=udp", "turn:a"]:
        with pytest.raises(ConfigError):
            parse_ice_url(bad)


def test_link_config_checks() -> None:
    with pytest.raises(ConfigError, match="TURN"):
        LinkConfig(stun=(), relay_only=True)
    with pytest.raises(ConfigError, match="lifetime"):
        LinkConfig(stun=(), token_ttl=5)


ADDRS = [
    LocalAddress("lo", "127.0.0.1"),
    LocalAddress("lo", "::1"),
    LocalAddress("eth0", "192.168.1.20"),
    LocalAddress("eth0", "fe80::1%eth0"),
    LocalAddress("eth0", "2001:db8::20"),
    LocalAddress("docker0", "172.17.0.1"),
    LocalAddress("veth12ab", "10.0.3.1"),
    LocalAddress("{GUID}", "192.168.56.1", "VirtualBox Host-Only Ethernet Adapter"),
    LocalAddress("wg0", "10.8.0.2"),
]


def test_default_policy_skips_loopback_link_local_and_virtual() -> None:
    assert select_addresses(ADDRS, InterfacePolicy()) == [
        "192.168.1.20",
        "2001:db8::20",
        "10.8.0.2",
    ]


def test_policy_options() -> None:
    no_v6 = InterfacePolicy(ipv6=False, skip_virtual=False)
    assert select_addresses(ADDRS, no_v6) == [
        "192.168.1.20",
        "172.17.0.1",
        "10.0.3.1",
        "192.168.56.1",
        "10.8.0.2",
    ]
    assert select_addresses(ADDRS, InterfacePolicy.loopback_only()) == ["127.0.0.1"]
    assert select_addresses(ADDRS, InterfacePolicy(only=("eth0",), ipv6=False)) == ["192.168.1.20"]


def test_untested_aioice_version_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aioice, "__version__", "0.99.0")
    with pytest.raises(UnsupportedDependencyError, match=r"0\.13\.0"):
        patch.check_version()


def test_network_from_the_environment() -> None:
    from webrtc_party.config import link_config_from_env

    base = LinkConfig()
    assert link_config_from_env({}) == base
    assert link_config_from_env({"WEBRTC_PARTY_STUN": "none"}).stun == ()
    two = link_config_from_env({"WEBRTC_PARTY_STUN": "stun:a.example:3478, stun:b.example"})
    assert [s.url for s in two.stun] == ["stun:a.example:3478", "stun:b.example:3478"]
    only = link_config_from_env({"WEBRTC_PARTY_INTERFACES": "eth0,10.0.0.2"}).interfaces
    assert only.only == ("eth0", "10.0.0.2") and only.allow_loopback
    env = {"WEBRTC_PARTY_TURN": "turn:t.example", "WEBRTC_PARTY_TURN_USER": "u"}
    env["WEBRTC_PARTY_TURN_PASSWORD"] = "p"
    turn = link_config_from_env(env).turn
    assert turn is not None and (turn.host, turn.username, turn.password) == ("t.example", "u", "p")
    for bad, words in [
        ({"WEBRTC_PARTY_STUN": "stun.example"}, "WEBRTC_PARTY_STUN"),
        ({"WEBRTC_PARTY_STUN": "stun:a,,stun:b"}, "empty item"),
        ({"WEBRTC_PARTY_STUN": "turn:t.example"}, "takes stun: URLs"),
        ({"WEBRTC_PARTY_TURN": "turn:t.example"}, "WEBRTC_PARTY_TURN_USER"),
        ({"WEBRTC_PARTY_TURN_USER": "u"}, "need WEBRTC_PARTY_TURN"),
    ]:
        with pytest.raises(ConfigError, match=words):
            link_config_from_env(bad)
