"""Host candidates on Windows, simulated with the adapters ifaddr reports there.

ifaddr on Windows (``_win32.py``): ``Adapter.name`` is the adapter GUID, ``Adapter.nice_name``
the device description, and each ``IP.nice_name`` the connection name the user sees.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging

import ifaddr
import pytest

from webrtc_party import interfaces
from webrtc_party.cli.options import add_link_options, link_config
from webrtc_party.interfaces import InterfacePolicy, LocalAddress, select_addresses


def adapter(guid: str, description: str, friendly: str, *ips: str) -> ifaddr.Adapter:
    made = [
        ifaddr.IP(ip if ":" not in ip else (ip, 0, 0), 24 if ":" not in ip else 64, friendly)
        for ip in ips
    ]
    return ifaddr.Adapter(guid, description, made, index=len(guid))


# A PC with a Hyper-V external switch (the LAN goes through it), WSL's internal switch,
# VirtualBox's host-only network, Wi-Fi and loopback.
WINDOWS_ADAPTERS = [
    adapter(
        "{5B1F0D1C-0000-4C11-9E21-0A1B2C3D4E01}",
        "Hyper-V Virtual Ethernet Adapter",
        "vEthernet (External Switch)",
        "192.168.1.40",
        "fe80::1:2:3:4",
    ),
    adapter(
        "{5B1F0D1C-0000-4C11-9E21-0A1B2C3D4E02}",
        "Hyper-V Virtual Ethernet Adapter #2",
        "vEthernet (WSL)",
        "172.29.16.1",
    ),
    adapter(
        "{5B1F0D1C-0000-4C11-9E21-0A1B2C3D4E03}",
        "VirtualBox Host-Only Ethernet Adapter",
        "Ethernet 2",
        "192.168.56.1",
    ),
    adapter(
        "{5B1F0D1C-0000-4C11-9E21-0A1B2C3D4E04}",
        "Intel(R) Wi-Fi 6 AX201 160MHz",
        "Wi-Fi",
        "10.0.0.23",
    ),
    adapter(
        "{5B1F0D1C-0000-4C11-9E21-0A1B2C3D4E05}",
        "Software Loopback Interface 1",
        "Loopback Pseudo-Interface 1",
        "127.0.0.1",
    ),
]


@pytest.fixture
def windows_pc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ifaddr, "get_adapters", lambda: WINDOWS_ADAPTERS)
    monkeypatch.setattr(interfaces, "default_route_addresses", lambda: {"192.168.1.40"})


def cli_policy(*argv: str) -> InterfacePolicy:
    parser = argparse.ArgumentParser()
    add_link_options(parser)
    return link_config(parser.parse_args(["--no-stun", *argv])).interfaces


def test_the_hyper_v_switch_carrying_the_default_route_is_kept(windows_pc: None) -> None:
    got = interfaces.host_addresses(InterfacePolicy(), use_ipv4=True, use_ipv6=True)
    assert got == ["192.168.1.40", "10.0.0.23"]  # not WSL's switch, not VirtualBox


def test_without_the_route_the_same_adapter_would_be_dropped() -> None:
    addrs = [
        LocalAddress("{A}", "192.168.1.40", "Hyper-V Virtual Ethernet Adapter", "vEthernet (X)"),
        LocalAddress("{B}", "10.0.0.23", "Intel(R) Wi-Fi 6 AX201 160MHz", "Wi-Fi"),
    ]
    assert select_addresses(addrs, InterfacePolicy()) == ["10.0.0.23"]
    assert select_addresses(addrs, InterfacePolicy(), {"192.168.1.40"}) == [
        "192.168.1.40",
        "10.0.0.23",
    ]


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        ("Wi-Fi", ["10.0.0.23"]),
        ("wi-fi", ["10.0.0.23"]),
        ("{5B1F0D1C-0000-4C11-9E21-0A1B2C3D4E04}", ["10.0.0.23"]),
        ("Intel(R) Wi-Fi 6 AX201 160MHz", ["10.0.0.23"]),
        ("vEthernet (WSL)", ["172.29.16.1"]),  # asked for by name: the user knows best
        ("192.168.56.1", ["192.168.56.1"]),
    ],
)
def test_interface_matches_the_windows_names(
    windows_pc: None, wanted: str, expected: list[str]
) -> None:
    policy = cli_policy("--interface", wanted)
    assert interfaces.host_addresses(policy, use_ipv4=True, use_ipv6=False) == expected


def test_an_interface_that_matches_nothing_is_a_logged_reason(
    windows_pc: None, caplog: pytest.LogCaptureFixture
) -> None:
    policy = cli_policy("--interface", "WLAN")
    with caplog.at_level(logging.WARNING, logger="webrtc_party.interfaces"):
        assert interfaces.host_addresses(policy, use_ipv4=True, use_ipv6=True) == []
    [record] = caplog.records
    assert "--interface WLAN" in record.getMessage() and "Wi-Fi" in record.getMessage()


def test_system_addresses_keep_the_connection_name(windows_pc: None) -> None:
    wifi = [a for a in interfaces.system_addresses() if a.ip == "10.0.0.23"]
    assert wifi == [
        LocalAddress(
            "{5B1F0D1C-0000-4C11-9E21-0A1B2C3D4E04}",
            "10.0.0.23",
            "Intel(R) Wi-Fi 6 AX201 160MHz",
            "Wi-Fi",
        )
    ]


def test_default_route_addresses_are_local_addresses() -> None:
    """On this machine (real sockets): the routing look-up names an address we have."""
    local = {a.ip.split("%")[0] for a in interfaces.system_addresses()}
    routed = interfaces.default_route_addresses()
    assert routed <= local
    assert all(not ipaddress.ip_address(ip).is_loopback for ip in routed)
