"""The bridge server over real HTTP and WebSocket (aiohttp client), with real services.

The security rules (origin, host, key, bounded outboxes, timeouts, decode errors) are in
test_bridge_security.py; this module covers the routes and the message flows."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.helpers import loopback_config
from tests.rose.party_kit import clients_known, members, run_all
from tests.rose.schema_kit import check_message
from webrtc_party.rose.bridge_server import BridgeServer
from webrtc_party.rose.service import PartyService


class Panel:
    """One connected plugin: sends requests, collects everything it receives (each message
    checked against the bridge's JSON Schema on arrival)."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.inbox: list[dict[str, Any]] = []

    async def send(self, **msg: Any) -> None:
        await self.ws.send_str(json.dumps(msg))

    async def wait_for(self, mtype: str, within: float = 20.0, **match: Any) -> dict[str, Any]:
        async with asyncio.timeout(within):
            while True:
                for msg in self.inbox:
                    if msg["type"] == mtype and all(msg.get(k) == v for k, v in match.items()):
                        self.inbox.remove(msg)
                        return msg
                raw = await self.ws.receive_str()
                self.inbox.append(check_message(json.loads(raw)))  # bridge-schema.json

    async def ask(self, mtype: str, reply: str, **fields: Any) -> dict[str, Any]:
        rid = f"{mtype}-{len(self.inbox)}"
        await self.send(type=mtype, id=rid, **fields)
        return await self.wait_for(reply, id=rid)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def connect(http: aiohttp.ClientSession, bridge: BridgeServer, **headers: str) -> Panel:
    url = f"http://127.0.0.1:{bridge.port}/"
    return Panel(await http.ws_connect(url, params={"key": bridge.key}, headers=headers))


async def test_port_origin_qr_and_bad_messages(http: aiohttp.ClientSession) -> None:
    async with (
        PartyService(loopback_config(), None, identity_wait=0.1) as service,
        BridgeServer(service, port=0) as bridge,
    ):
        base = f"http://127.0.0.1:{bridge.port}"
        key = {"key": bridge.key}
        async with http.get(f"{base}/bridge-port") as resp:
            assert resp.status == 200 and int(await resp.text()) == bridge.port

        async with http.get(f"{base}/party/qr.svg", params={"token": "hello", **key}) as resp:
            assert resp.status == 400 and "not a party token" in await resp.text()
        # No asset route: nothing is served that nobody ships.
        for path in ("/asset/BeaufortforLOL-Bold.otf", "/asset/..%2Fcontrol.py"):
            async with http.get(base + path, params=key) as resp:
                assert resp.status == 404

        panel = await connect(http, bridge)
        await panel.ws.send_str("{oops")
        assert (await panel.wait_for("party-error"))["code"] == "bad-json"
        await panel.send(type="party-launch")
        err = await panel.wait_for("party-error")
        assert err["code"] == "unknown-type" and err["request_type"] == "party-launch"
        await panel.ws.send_bytes(b"\x00")
        assert (await panel.wait_for("party-error"))["code"] == "not-an-object"
        await panel.ws.send_str(json.dumps({"type": "party-get-state", "pad": "x" * 70_000}))
        assert (await panel.wait_for("party-error"))["code"] == "too-large"
        enabled = await panel.ask("party-enable", "party-enabled")
        assert not enabled["success"] and enabled["code"] == "no-league-client"
        removed = await panel.ask("party-remove-peer", "party-peer-removed", summoner_id=5)
        assert not removed["success"] and removed["code"] == "not-enabled"
        state = await panel.ask("party-get-state", "party-state")
        assert state["enabled"] is False and state["members"] == []
        await panel.ws.close()


async def test_port_50000_or_the_next_free_one() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with (
            PartyService(loopback_config(), None) as service,
            BridgeServer(service, port=port) as bridge,
        ):
            assert bridge.port == port + 1


async def test_two_step_flow_qr_and_broadcasts(tmp_path: Path, http: aiohttp.ClientSession) -> None:
    async with members(tmp_path, 2) as (a, b):
        await clients_known(a.service, b.service)
        async with BridgeServer(a.service, port=0) as ba, BridgeServer(b.service, port=0) as bb:
            pa, watcher, pb = (
                await connect(http, ba),
                await connect(http, ba),
                await connect(http, bb),
            )
            # Rose's way, twice while on: a fresh invite each time (one per friend).
            first = await pa.ask("party-enable", "party-enabled")
            second = await pa.ask("party-enable", "party-enabled")
            assert first["success"] and second["success"]
            assert first["token"] != second["token"]
            invite = await pa.ask("party-create-invite", "party-invite")
            assert invite["token"].startswith("wpi") and invite["expires_at"] > 0
            async with http.get(
                f"http://127.0.0.1:{ba.port}/party/qr.svg",
                params={"token": invite["token"], "key": ba.key},
            ) as resp:
                assert resp.status == 200 and resp.content_type == "image/svg+xml"
                assert "<svg" in await resp.text()
            shown = await watcher.wait_for("party-state", my_token=invite["token"])  # broadcast
            assert shown["my_token"] == invite["token"]

            got = await pb.ask("party-paste-token", "party-token-result", token=invite["token"])
            assert got["success"] and got["kind"] == "answer" and got["answer"].startswith("wpa")
            done = await pa.ask("party-add-peer", "party-peer-added", token=got["answer"])
            assert done == {
                "type": "party-peer-added",
                "success": True,
                "kind": "completed",
                "id": done["id"],
            }
            again = await pa.ask("party-paste-token", "party-token-result", token=got["answer"])
            assert not again["success"] and again["code"] == "unknown-invite"

            await run_all([a, b], "skins")
            await watcher.wait_for("phase-change", phase="ChampSelect")

            def jinx_shown(msg: dict[str, Any]) -> bool:
                return any(m["skin_name"] == "Firecracker Jinx" for m in msg["members"])

            async with asyncio.timeout(20):
                while True:
                    msg = await watcher.wait_for("party-state")
                    if jinx_shown(msg) and msg["members"][0]["status"] == "direct":
                        break
            friend = msg["members"][0]
            assert friend["on_team"] and friend["in_lobby"] and friend["riot_id"].startswith("Jinx")
            assert msg["peers"][0]["connected"]
            # The used invite left; the two for later friends still wait.
            assert {p["token"] for p in msg["pending"]} == {first["token"], second["token"]}

            sid = friend["summoner_id"]
            removed = await pa.ask("party-remove-peer", "party-peer-removed", summoner_id=sid)
            assert removed["success"] and removed["summoner_id"] == sid
            off = await pb.ask("party-disable", "party-disabled")
            assert off["type"] == "party-disabled"
            for panel in (pa, watcher, pb):
                await panel.ws.close()


async def test_cors_for_the_client_page_and_a_quick_stop(http: aiohttp.ClientSession) -> None:
    async with PartyService(loopback_config(), None, identity_wait=0.1) as service:
        bridge = BridgeServer(service, port=0)
        await bridge.start()
        base = f"http://127.0.0.1:{bridge.port}"
        page = {"Origin": "https://127.0.0.1:51234"}  # the League client's own page
        async with http.get(f"{base}/bridge-port", headers=page) as resp:
            assert resp.headers["Access-Control-Allow-Origin"] == page["Origin"]
            assert resp.headers["Vary"] == "Origin"
        async with http.get(f"{base}/bridge-port") as resp:
            assert "Access-Control-Allow-Origin" not in resp.headers
        panel = await connect(http, bridge, Origin=page["Origin"])
        started = asyncio.get_running_loop().time()
        await bridge.stop()  # with a panel still connected
        assert asyncio.get_running_loop().time() - started < 5.0
        closed = await panel.ws.receive()
        assert closed.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
