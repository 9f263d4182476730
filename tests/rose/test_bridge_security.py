"""The bridge's admission and robustness rules (docs/bridge.md, "Security"), over real sockets
on loopback: origins, Host, the per-launch key and its file, bounded outboxes, header
timeouts, decode errors."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.helpers import loopback_config, until
from webrtc_party.rose.bridge_guard import BridgePolicy, client_origin, normalize_origin
from webrtc_party.rose.bridge_server import KEY_FILE, KEY_PLACEHOLDER, BridgeServer, PanelOutbox
from webrtc_party.rose.service import PartyService

PAGE = "http://127.0.0.1:8123"  # a loopback test page of our own


@pytest.fixture
async def service() -> AsyncIterator[PartyService]:
    async with PartyService(loopback_config(), None, identity_wait=0.1) as svc:
        yield svc


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def test_origin_rules() -> None:
    policy = BridgePolicy.make(50000, "k" * 43, [PAGE])
    for ok in ("https://127.0.0.1:51234", "https://127.0.0.1", "HTTPS://127.0.0.1:9", PAGE):
        assert policy.origin_ok(ok), ok
    for bad in (
        "null",
        "",
        "https://evil.example",
        "https://127.0.0.1.evil.example",
        "http://127.0.0.1:51234",  # the client's page is https; our page is a named one
        "https://localhost:51234",
        "https://riot:token@127.0.0.1:5",
        "file://",
        "chrome-extension://abc",
        "http://10.0.0.2",
        "https://127.0.0.1:99999",
        "x" * 500,
    ):
        assert not policy.origin_ok(bad), bad
    assert client_origin("https://127.0.0.1:51234") and not client_origin(PAGE)
    assert normalize_origin("HTTP://LocalHost:80") == "http://localhost:80"
    with pytest.raises(ValueError, match="loopback"):
        BridgePolicy.make(1, "k", ["https://example.com"])


def test_admission_rules() -> None:
    key = "s3cret-key"
    policy = BridgePolicy.make(50000, key, [PAGE])
    host = {"Host": "127.0.0.1:50000"}
    assert policy.check(host, key, need_key=True) is None  # a local program, with the key
    assert policy.check({**host, "Origin": PAGE}, key, need_key=True) is None
    cases = [
        ({"Host": "evil.example:50000", "Origin": PAGE}, key, 421),  # DNS rebinding
        ({"Host": "127.0.0.1:50001"}, key, 421),
        ({}, key, 421),
        ({**host, "Origin": "null"}, key, 403),
        ({**host, "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}, key, 403),
        ({**host, "Origin": "https://evil.example"}, key, 403),
        ({**host, "Origin": PAGE}, None, 401),
        ({**host, "Origin": PAGE}, key + "x", 401),
        ({**host, "Origin": PAGE}, "\udcff", 401),
    ]
    for headers, given, status in cases:
        refusal = policy.check(headers, given, need_key=True)
        assert refusal is not None and refusal.status == status, (headers, given)
    assert policy.check({**host, "Origin": PAGE}, None, need_key=False) is None


async def test_http_refusals_over_a_real_socket(
    service: PartyService, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    async with BridgeServer(service, port=0, key_dir=tmp_path, allowed_origins=[PAGE]) as bridge:
        base = f"http://127.0.0.1:{bridge.port}"
        key = {"key": bridge.key}
        client = {"Origin": "https://127.0.0.1:51234"}
        # The key file: port and key, readable by the owner only.
        written = json.loads((tmp_path / KEY_FILE).read_text())
        assert written == {"version": 1, "port": bridge.port, "key": bridge.key}
        assert stat.S_IMODE(os.stat(tmp_path / KEY_FILE).st_mode) == 0o600

        checks = [
            ("/bridge-port", {"Origin": "null"}, {}, 403),
            ("/bridge-port", {"Origin": "https://evil.example"}, {}, 403),
            ("/bridge-port", {"Sec-Fetch-Site": "cross-site"}, {}, 403),
            ("/bridge-port", {"Host": f"evil.example:{bridge.port}"}, {}, 421),
            ("/bridge-port", client, {}, 200),  # discovery needs no key
            ("/party/qr.svg", client, {"token": "x"}, 401),
            ("/party/qr.svg", client, {"token": "x", "key": "wrong"}, 401),
            ("/party/qr.svg", client, {"token": "x", **key}, 400),
        ]
        for path, headers, params, status in checks:
            async with http.get(base + path, headers=headers, params=params) as resp:
                assert resp.status == status, (path, headers, params, await resp.text())

        for headers, params, status in [
            ({"Origin": "null"}, key, 403),
            ({"Origin": "https://evil.example"}, key, 403),
            ({"Origin": "https://127.0.0.1:51234"}, {}, 401),
            ({"Origin": "https://127.0.0.1:51234"}, {"key": bridge.key[:-1]}, 401),
            ({"Host": f"attacker.test:{bridge.port}", "Origin": PAGE}, key, 421),
        ]:
            with pytest.raises(aiohttp.WSServerHandshakeError) as info:
                await http.ws_connect(base + "/", headers=headers, params=params)
            assert info.value.status == status, headers
        ws = await http.ws_connect(base + "/", headers={"Origin": PAGE}, params=key)
        await ws.send_str(json.dumps({"type": "party-get-state"}))
        assert json.loads(await ws.receive_str())["type"] == "party-state"
        await ws.close()
    # At stop the plugin's placeholder comes back: the key is gone, the file still there.
    assert json.loads((tmp_path / KEY_FILE).read_text()) == KEY_PLACEHOLDER


async def test_deep_nesting_and_odd_frames_get_a_clear_error(
    service: PartyService, http: aiohttp.ClientSession
) -> None:
    async with BridgeServer(service, port=0) as bridge:
        ws = await http.ws_connect(f"http://127.0.0.1:{bridge.port}/", params={"key": bridge.key})
        frames = [
            '{"type":"party-get-state","x":' + "[" * 5000 + "]" * 5000 + "}",
            "[" * 5000,
            '{"type": "party-add-peer", "token": ' + "{" * 3000 + "}",
            '"\\ud800"',
            '{"type": "party-remove-peer", "summoner_id": 1e999}',
        ]
        for frame in frames:
            await ws.send_str(frame)
            reply = json.loads(await ws.receive_str())
            assert reply["type"] == "party-error", reply
            assert reply["code"] in ("bad-json", "bad-field", "not-an-object")
            assert "Traceback" not in reply["error"]
        await ws.send_str(json.dumps({"type": "party-get-state"}))
        assert json.loads(await ws.receive_str())["type"] == "party-state"  # still open
        await ws.close()


def _raw_client(port: int, path: str) -> socket.socket:
    """A WebSocket client that does the handshake and then never reads: a tiny receive
    buffer so the bridge's sends stall quickly."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    sock.sendall(
        (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


def _closed(sock: socket.socket) -> bool:
    """The peer closed (or reset) the connection: read what is left without blocking."""
    sock.setblocking(False)
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return True
    except BlockingIOError:
        return False
    except ConnectionResetError:
        return True


async def test_a_panel_that_does_not_read_is_dropped(
    service: PartyService, http: aiohttp.ClientSession
) -> None:
    async with BridgeServer(service, port=0, outbox_messages=64, outbox_bytes=256 * 1024) as bridge:
        good = await http.ws_connect(f"http://127.0.0.1:{bridge.port}/", params={"key": bridge.key})
        lazy = await asyncio.to_thread(_raw_client, bridge.port, f"/?key={bridge.key}")
        await until(lambda: bridge.clients == 2, within=10)
        big = json.dumps({"type": "party-state", "pad": "x" * 16_000})
        received = 0

        async def read_all() -> None:  # the good panel reads everything
            nonlocal received
            async for _ in good:
                received += 1

        reader = asyncio.get_running_loop().create_task(read_all())
        for _ in range(2000):  # 32 MB at most, far beyond the socket buffers
            bridge.broadcast(big)
            await asyncio.sleep(0)
            if bridge.dropped:
                break
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
        assert received > 0
        assert bridge.dropped == 1
        await until(lambda: bridge.clients == 1, within=10)
        await until(lambda: _closed(lazy), within=10)
        lazy.close()
        # The panel that reads is still served.
        await good.send_str(json.dumps({"type": "party-get-state", "id": "after"}))
        while True:
            msg = json.loads(await good.receive_str(timeout=10))
            if msg.get("id") == "after":
                break
        await good.close()


def test_outbox_bounds() -> None:
    box = PanelOutbox(max_messages=3, max_bytes=10)
    assert box.put("abcd") and box.put("efgh")
    assert box.queued_bytes == 8 and len(box) == 2
    assert not box.put("ijk")  # 11 bytes
    assert box.overflowed and len(box) == 0 and box.queued_bytes == 0
    assert not box.put("a")  # stays closed
    counted = PanelOutbox(max_messages=2, max_bytes=100)
    assert counted.put("a") and counted.put("b") and not counted.put("c")


async def test_slow_headers_are_cut_off(service: PartyService) -> None:
    async with BridgeServer(service, port=0, header_timeout=1.0) as bridge:

        def trickle() -> list[socket.socket]:
            socks = []
            for _ in range(50):
                s = socket.create_connection(("127.0.0.1", bridge.port))
                s.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{bridge.port}\r\n".encode())
                socks.append(s)
            return socks

        socks = await asyncio.to_thread(trickle)
        for _ in range(3):  # keep trickling header bytes, as slowloris does
            await asyncio.sleep(0.2)
            for s in socks:
                with contextlib.suppress(OSError):  # already closed by the bridge
                    s.send(b"X-a: b\r\n")
        await until(lambda: all(_closed(s) for s in socks), within=10)
        for s in socks:
            s.close()


async def test_too_many_panels_get_503(service: PartyService, http: aiohttp.ClientSession) -> None:
    async with BridgeServer(service, port=0, max_clients=2) as bridge:
        url = f"http://127.0.0.1:{bridge.port}/"
        first = await http.ws_connect(url, params={"key": bridge.key})
        second = await http.ws_connect(url, params={"key": bridge.key})
        with pytest.raises(aiohttp.WSServerHandshakeError) as info:
            await http.ws_connect(url, params={"key": bridge.key})
        assert info.value.status == 503
        await first.close()
        await until(lambda: bridge.clients == 1, within=10)
        third = await http.ws_connect(url, params={"key": bridge.key})
        for ws in (second, third):
            await ws.close()
