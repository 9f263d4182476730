"""Long fuzz runs: ``PartyCore.receive`` and the League client payload parsers.

Targets (each in its own process, so its peak RSS is its own):

- ``core``: one victim ``PartyCore`` linked to honest, hostile and sybil peers gets
  messages of every type, built valid (signed by keys the fuzzer holds: honest members,
  the attacker, sybils) at and around every limit (message size, body size, token size,
  sync records, beats, hop counts), then mutated: JSON fields replaced, deleted or padded
  and RE-SIGNED with the origin's key (so they pass the signature and reach the logic),
  bytes flipped, inserted or cut, sizes pushed to the limit +- a few bytes. Checked per
  case: ``receive`` and ``tick`` never raise; every text the core sends is within
  ``max_message_size``; member states, routes, keys, goodbyes stay within their caps.
- ``lcu``: WAMP frames and REST bodies for every URI the tracker handles, from the
  recorded fixtures with subtrees replaced by random JSON values (huge ints, floats, NaN,
  wrong types, deep nesting, long strings), through ``decode_event`` and
  ``Tracker.apply_event``/``apply_snapshot``. Checked: only ``WampError`` from the
  decoder, nothing from the tracker.

    python bench/fuzz_core.py --cases 100000            # both targets
    python bench/fuzz_core.py --target core --cases 1000 --seed 7

Prints one markdown row per target: cases, crashes, seconds, peak RSS.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import resource
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from webrtc_party.lcu import tracker as lcu_tracker
from webrtc_party.lcu.wamp import WampError, decode_event
from webrtc_party.party import (
    CloseLink,
    GamePhase,
    MemberIdentity,
    MemberState,
    PartyConfig,
    PartyCore,
    Selection,
    messages,
)
from webrtc_party.party._fields import canonical_json
from webrtc_party.party.messages import MAX_BODY_SIZE, MAX_HOPS, MAX_TOKEN_SIZE
from webrtc_party.party.model import state_to_json
from webrtc_party.party.signing import _signed_bytes, public_key_bytes

# (getattr: the same fuzzer runs against the release before issue 12, to show what it finds)
RELAY_HEADROOM: int = getattr(messages, "RELAY_HEADROOM", 64)
ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "data" / "lcu" / "fixtures"
Crash = tuple[str, str]


# -- core --------------------------------------------------------------------


class Member:
    def __init__(self, puuid: str, index: int) -> None:
        self.key = Ed25519PrivateKey.generate()
        self.public = public_key_bytes(self.key)
        self.ident = MemberIdentity(puuid, 100 + index, f"M{index}", "EUW")
        self.seq = 1

    def state_body(self, rng: random.Random) -> dict[str, Any]:
        self.seq += rng.choice((1, 1, 1, 0, -1, 1000))
        sel = Selection(1, 1000 + rng.randrange(999)) if rng.random() < 0.7 else None
        phase = rng.choice(list(GamePhase))
        return state_to_json(MemberState(self.ident, self.public, max(0, self.seq), sel, phase))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _signed(member: Member, kind: str, body_obj: Any, extra: dict[str, Any]) -> dict[str, Any]:
    body = body_obj if isinstance(body_obj, str) else canonical_json(body_obj)
    sig = member.key.sign(_signed_bytes(kind, body))
    return {"type": kind, "v": 1, "body": body, "sig": _b64(sig), **extra}


_WEIRD: list[Any] = [
    None, True, False, 0, -1, 2**53, 2**64, 1.5, float("nan"), "", "x" * 200, [], {}, [[[]]],
    {"a": {"b": {}}}, "\u20ac" * 50, "\ud800", -(2**63),
]


def _mutate_obj(rng: random.Random, obj: Any, depth: int = 0) -> Any:
    if isinstance(obj, dict) and obj and depth < 4:
        key = rng.choice(list(obj))
        out = dict(obj)
        roll = rng.random()
        if roll < 0.25:
            del out[key]
        elif roll < 0.5:
            out[key] = rng.choice(_WEIRD)
        elif roll < 0.6:
            out["zz" + str(rng.randrange(9))] = rng.choice(_WEIRD)
        else:
            out[key] = _mutate_obj(rng, obj[key], depth + 1)
        return out
    if isinstance(obj, list) and obj and depth < 4:
        out_list = list(obj)
        i = rng.randrange(len(out_list))
        deeper = rng.random() < 0.6
        out_list[i] = _mutate_obj(rng, out_list[i], depth + 1) if deeper else rng.choice(_WEIRD)
        if rng.random() < 0.2 and len(out_list) < 100:
            out_list *= rng.choice((2, 10))
        return out_list
    if isinstance(obj, int) and not isinstance(obj, bool):
        return rng.choice([obj + 1, obj - 1, -obj, obj * 1000, 2**53, MAX_HOPS, MAX_HOPS + 1])
    if isinstance(obj, str):
        return rng.choice([obj + "x", obj[:-1], obj * 3, "", obj.upper(), obj + "\u20ac"])
    return rng.choice(_WEIRD)


def _pad_to(msg: dict[str, Any], member: Member | None, target: int) -> str:
    """Pad the body (re-signed) or the outer object to exactly ``target`` UTF-8 bytes."""

    def dump(m: dict[str, Any]) -> str:
        return json.dumps(m, separators=(",", ":"), ensure_ascii=False)

    kind = str(msg.get("type"))
    if member is not None and isinstance(msg.get("body"), str):
        inner = json.loads(msg["body"])

        def build(pad: str) -> dict[str, Any]:
            return {**msg, **_signed(member, kind, {**inner, "zpad": pad}, {})}

        missing = target - len(dump(build("")).encode())
        room = max(0, MAX_BODY_SIZE - len(canonical_json({**inner, "zpad": ""})))
        wide = max(0, min(missing // 3, room - max(0, missing - 3 * (missing // 3))))
        return dump(build("\u20ac" * wide + "x" * max(0, missing - 3 * wide)))
    missing = target - len(dump({**msg, "zpad": ""}).encode())
    return dump({**msg, "zpad": "x" * max(0, missing)})


class CoreFuzzer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.config = PartyConfig(rate=1e9, burst=1e9, origin_rate=1e9, origin_burst=1e9)
        self.honest = [Member(f"puuid-{i:02d}", i) for i in range(3)]
        self.sybils = [Member(f"puuid-0-s{i:03d}", 50 + i) for i in range(40)]
        self.everyone = self.honest + self.sybils
        self.now = 0.0
        self.fresh()

    def fresh(self) -> None:
        victim = Member("puuid-50", 99)
        self.core = PartyCore(victim.ident, victim.key, now=self.now, config=self.config)
        self.links: dict[str, Member] = {}
        self.link_seq = 0
        for m in self.honest:
            self.open_link(m)

    def open_link(self, member: Member) -> str:
        self.link_seq += 1
        lid = f"L{self.link_seq}"
        self.core.link_up(lid, self.now)
        self.links[lid] = member
        hello = {
            "type": "hello", "v": 1, "app": "fuzz", "caps": ["gossip/1"],
            "member": {"puuid": member.ident.puuid, "summoner_id": member.ident.summoner_id,
                       "riot_id": member.ident.riot_id},
            "key": _b64(member.public),
        }
        self.core.receive(lid, json.dumps(hello), self.now)
        state = _signed(member, "state", member.state_body(self.rng), {})
        self.core.receive(lid, json.dumps(state), self.now)
        return lid

    def message(self) -> tuple[dict[str, Any], Member | None]:
        rng = self.rng
        member = rng.choice(self.honest if rng.random() < 0.6 else self.sybils)
        kind = rng.choice(
            ["state", "leave", "sync", "ping", "pong", "intro-offer", "intro-answer", "hello",
             "chat", "unknown"]
        )
        if kind == "state":
            return _signed(member, "state", member.state_body(rng), {}), member
        if kind == "leave":
            body = {"origin": member.ident.puuid, "seq": member.seq + rng.choice((0, 1, 5))}
            return _signed(member, "leave", body, {}), member
        if kind in ("intro-offer", "intro-answer"):
            target = rng.choice(["puuid-50", *(m.ident.puuid for m in self.honest)])
            size = rng.choice((1, 10, MAX_TOKEN_SIZE - 1, MAX_TOKEN_SIZE, MAX_TOKEN_SIZE + 1))
            token = "t" * size
            body = {"origin": member.ident.puuid, "target": target,
                    "id": rng.randrange(1, 50), "token": token}
            hops = rng.choice((0, 1, 9, 9, 9, MAX_HOPS - 1, MAX_HOPS))
            return _signed(member, kind, body, {"hops": hops}), member
        if kind == "sync":
            count = rng.choice((0, 1, 5, 63, 64, 65))
            recs = []
            for _ in range(count):
                m = rng.choice(self.everyone)
                recs.append(_signed(m, "state", m.state_body(rng), {}))
            return {"type": "sync", "v": 1, "records": recs}, None
        if kind == "ping":
            n = rng.choice((0, 1, 31, 32, 33))
            beats = [[rng.choice(self.everyone).ident.puuid if rng.random() < 0.5
                      else f"x{rng.getrandbits(40):x}", rng.randrange(3), rng.randrange(1000),
                      rng.randrange(MAX_HOPS + 2)] for _ in range(n)]
            return {"type": "ping", "v": 1, "id": rng.randrange(100), "beats": beats,
                    "dg": "ab" * rng.randrange(17)}, None
        if kind == "pong":
            return {"type": "pong", "v": 1, "id": rng.randrange(-1, 10)}, None
        if kind == "hello":
            return {"type": "hello", "v": rng.choice((1, 2)), "app": "x", "caps": [],
                    "member": {"puuid": member.ident.puuid, "summoner_id": 1,
                               "riot_id": member.ident.riot_id},
                    "key": _b64(member.public)}, None
        if kind == "chat":
            return {"type": "chat", "text": "hi"}, None
        return {"type": "zz-" + str(rng.randrange(5)), "v": 1}, None

    def text(self) -> str:
        rng = self.rng
        msg, signer = self.message()
        roll = rng.random()
        if roll < 0.3 and signer is not None and isinstance(msg.get("body"), str):
            # mutate the signed content, then re-sign it: reaches past the signature check
            inner = _mutate_obj(rng, json.loads(msg["body"]))
            extra = {k: v for k, v in msg.items() if k not in ("type", "v", "body", "sig")}
            try:
                msg = _signed(signer, str(msg["type"]), inner, extra)
            except (ValueError, TypeError):
                pass
        elif roll < 0.5:
            msg = _mutate_obj(rng, msg)
        if rng.random() < 0.35:
            limit = self.config.max_message_size
            target = rng.choice((limit, limit, limit - RELAY_HEADROOM,
                                 limit - RELAY_HEADROOM + 1, limit + 1, limit - 1, MAX_BODY_SIZE))
            if isinstance(msg, dict):
                try:
                    return _pad_to(msg, signer, target + rng.choice((0, 0, 0, -1, 1, -3, 3)))
                except (ValueError, TypeError, KeyError):
                    pass
        try:
            text = json.dumps(msg, separators=(",", ":"), ensure_ascii=False)
        except (ValueError, TypeError):
            text = str(msg)
        if rng.random() < 0.1 and text:
            i = rng.randrange(len(text))
            op = rng.randrange(3)
            if op == 0:
                text = text[:i] + text[i + 1:]
            elif op == 1:
                text = text[:i] + rng.choice('{}[]",:\\0\u20ac\ud800') + text[i:]
            else:
                text = text[:i]
        return text

    def check(self) -> None:
        core, cfg = self.core, self.config
        for _, text in core.data_to_send():
            size = len(text.encode())
            if size > cfg.max_message_size:
                raise AssertionError(f"sent {size} bytes > {cfg.max_message_size}")
        for event in core.events_received():
            if isinstance(event, CloseLink):
                self.core.link_down(event.link_id, self.now)
                member = self.links.pop(event.link_id, None)
                if member is not None and member in self.honest:
                    self.open_link(member)
        store = core.records
        assert len(store.states) <= cfg.max_members, "too many states"
        assert len(store.tombstones) <= cfg.max_tombstones, "too many goodbyes"
        assert len(store.keys) <= cfg.max_members + cfg.max_tombstones, "key ring grew"
        assert core.routes.size()[0] <= cfg.max_members, "route table grew"

    def case(self, index: int) -> None:
        if index % 2000 == 0:
            self.fresh()
        if self.rng.random() < 0.05:
            self.open_link(self.rng.choice(self.everyone))
        self.now += self.rng.choice((0.0, 0.001, 0.05, 0.5, 5.0))
        lid = self.rng.choice(list(self.links)) if self.links else self.open_link(self.honest[0])
        self.core.receive(lid, self.text(), self.now)
        if self.rng.random() < 0.2:
            self.core.tick(self.now)
        self.check()


# -- lcu ---------------------------------------------------------------------

_URI_FIXTURES = {
    lcu_tracker.URI_PHASE: ["gameflow-phase.champ-select.json"],
    lcu_tracker.URI_SESSION: ["gameflow-session.in-progress.json", "gameflow-session.none.json"],
    lcu_tracker.URI_SUMMONER: ["current-summoner.json"],
    lcu_tracker.URI_LOBBY: [
        "lobby.normal-draft-premade-3.json", "lobby.custom-3-humans-1-bot.json"
    ],
    lcu_tracker.URI_COMMS: ["lobby-comms-members.json"],
    lcu_tracker.URI_CHAMP_SELECT: ["champ-select.session.planning.json",
                                   "champ-select.session.finalization.json",
                                   "champ-select.session.custom-with-bot.json"],
    lcu_tracker.URI_SKIN_SELECTOR: ["champ-select.skin-selector-info.json"],
    lcu_tracker.URI_CAROUSEL: ["champ-select.skin-carousel-skins.json"],
}


def _fixture(name: str) -> Any:
    data = json.loads((FIXTURES / name).read_text())
    # some fixtures wrap the body with notes; the tracker takes the body
    if isinstance(data, dict) and "body" in data and len(data) <= 3:
        return data["body"]
    return data


class LcuFuzzer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.bodies = {uri: [_fixture(n) for n in names] for uri, names in _URI_FIXTURES.items()}
        self.tracker = lcu_tracker.Tracker()
        self.now = 0.0

    def case(self, index: int) -> None:
        rng = self.rng
        if index % 5000 == 0:
            self.tracker = lcu_tracker.Tracker()
        uri = rng.choice(list(self.bodies))
        body = rng.choice(self.bodies[uri])
        for _ in range(rng.randrange(1, 4)):
            body = _mutate_obj(rng, body)
        if rng.random() < 0.02:
            body = [body] * 50 if rng.random() < 0.5 else {"deep": json.loads("[" * 50 + "]" * 50)}
        self.now += 0.1
        kind = rng.choice(("Update", "Create", "Delete", "Weird"))
        frame = [8, "OnJsonApiEvent", {"uri": uri, "eventType": kind, "data": body}]
        try:
            text = json.dumps(frame)
        except (ValueError, TypeError):
            text = "[8]"
        if rng.random() < 0.1:
            i = rng.randrange(len(text))
            text = text[:i] + text[i + 1:]
        try:
            event = decode_event(text)
        except WampError:
            event = None
        if event is not None:
            self.tracker.apply_event(event.uri, event.event_type.value, event.data, self.now)
        if rng.random() < 0.1:
            self.tracker.apply_snapshot({uri: body}, self.now)


# -- driver ------------------------------------------------------------------

TARGETS: dict[str, Callable[[random.Random], Any]] = {"core": CoreFuzzer, "lcu": LcuFuzzer}


def run_target(name: str, cases: int, seed: int) -> dict[str, Any]:
    import logging

    logging.disable(logging.CRITICAL)  # the tracker logs every dropped body
    rng = random.Random(seed)
    fuzzer = TARGETS[name](rng)
    crashes: list[Crash] = []
    started = time.perf_counter()
    for i in range(cases):
        try:
            fuzzer.case(i)
        except Exception as exc:
            crashes.append((f"{type(exc).__name__}: {exc}"[:200], traceback.format_exc()[-800:]))
            if len(crashes) >= 20:
                break
            if name == "core":
                fuzzer.fresh()
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"target": name, "cases": i + 1, "crashes": len(crashes), "seconds": seconds,
            "peak_rss_mib": peak_kib / 1024, "first": crashes[:3]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--target", choices=sorted(TARGETS))
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    ns = parser.parse_args()
    if ns.target:
        result = run_target(ns.target, ns.cases, ns.seed)
        print(json.dumps(result) if ns.json else result)
        return
    rows = []
    for name in sorted(TARGETS):
        out = subprocess.run(
            [sys.executable, __file__, "--target", name, "--cases", str(ns.cases),
             "--seed", str(ns.seed), "--json"],
            check=True, capture_output=True, text=True,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print("| target | cases | crashes | seconds | peak RSS (MiB) |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['target']} | {r['cases']} | {r['crashes']} | {r['seconds']:.0f} | "
              f"{r['peak_rss_mib']:.0f} |")
    for r in rows:
        for summary, tb in r["first"]:
            print(f"\n{r['target']} crash: {summary}\n{tb}")


if __name__ == "__main__":
    main()
