"""Benchmark: event -> tracker state latency under a catch-all stream at 100x real rate.

A real client sends about 1300 catch-all events per 20 minutes (~1.1/s). This
replays the anonymized 16.17 recording (tests/data/lcu/recording) in a loop
through the emulator over real WSS at ``--multiplier`` times that rate, into a
``LeagueWatcher`` in the same process, and reports:

- apply latency: event published by the emulator -> applied by the tracker;
- update latency: for events that changed the state, publish -> the
  ``LeagueUpdate`` reaching the consumer's ``async for``;
- the pure tracker's cost per event (no I/O), for comparison.

Usage: python3 bench/bench_lcu_tracker.py [--seconds 20] [--multiplier 100]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from webrtc_party.lcu.client import LeagueWatcher
from webrtc_party.lcu.emulator import LcuEmulator
from webrtc_party.lcu.gamedata import load_game_data
from webrtc_party.lcu.tracker import Tracker, TrackerEvent

RECORDING = Path(__file__).resolve().parent.parent / "tests/data/lcu/recording/recording.jsonl"
REAL_RATE = 1300 / (20 * 60)  # events per second from a real client


def load_frames() -> list[tuple[str, str, Any]]:
    out = []
    for line in RECORDING.read_text().splitlines():
        body = json.loads(line)[2]
        out.append((body["uri"], body["eventType"], body["data"]))
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def pure_cost(frames: list[tuple[str, str, Any]], rounds: int = 20) -> float:
    """Microseconds per event for the pure tracker alone."""
    start = time.perf_counter()
    for _ in range(rounds):
        tracker = Tracker()
        for i, (uri, kind, data) in enumerate(frames):
            tracker.apply_event(uri, kind, data, float(i))
    return (time.perf_counter() - start) / (rounds * len(frames)) * 1e6


async def stream_bench(seconds: float, multiplier: float) -> dict[str, float]:
    frames = load_frames()
    rate = REAL_RATE * multiplier
    total = int(seconds * rate)
    sent: list[float] = []
    applied: list[float] = []
    update_lat: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        async with LcuEmulator(Path(folder)) as emu:
            watcher = LeagueWatcher(emu.lockfile_path, cafile=emu.ca_path)
            all_applied = asyncio.Event()

            class TimedTracker(Tracker):
                def apply_event(
                    self, uri: str, event_type: str, data: Any, now: float
                ) -> list[TrackerEvent]:
                    result = super().apply_event(uri, event_type, data, now)
                    applied.append(time.perf_counter())
                    if len(applied) >= total:
                        all_applied.set()
                    return result

            watcher.tracker = TimedTracker(load_game_data().chroma_parents)
            done = asyncio.Event()

            async def consume() -> None:
                async with contextlib.aclosing(watcher.updates()) as updates:
                    async for update in updates:
                        if update.resync:
                            done.set()
                            continue
                        index = len(applied) - 1
                        update_lat.append(time.perf_counter() - sent[index])
                        if len(applied) >= total:
                            return

            async with asyncio.TaskGroup() as tg:
                consumer = tg.create_task(consume())
                await done.wait()
                start = time.perf_counter()
                for i in range(total):
                    delay = start + i / rate - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    uri, kind, data = frames[i % len(frames)]
                    sent.append(time.perf_counter())
                    await emu.publish(uri, kind, data)
                async with asyncio.timeout(10):
                    await all_applied.wait()
                consumer.cancel()
    lat = [(a - s) * 1000 for s, a in zip(sent, applied, strict=True)]
    upd = [x * 1000 for x in update_lat]
    return {
        "events": float(total),
        "rate": rate,
        "apply_p50_ms": statistics.median(lat),
        "apply_p99_ms": pct(lat, 0.99),
        "apply_max_ms": max(lat),
        "updates": float(len(upd)),
        "update_p50_ms": statistics.median(upd) if upd else 0.0,
        "update_p99_ms": pct(upd, 0.99) if upd else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--multiplier", type=float, default=100.0)
    args = parser.parse_args()
    frames = load_frames()
    print(f"pure tracker: {pure_cost(frames):.1f} us/event over {len(frames)} recorded events")
    r = asyncio.run(stream_bench(args.seconds, args.multiplier))
    print(
        f"stream: {r['events']:.0f} events at {r['rate']:.0f}/s ({args.multiplier:.0f}x real) "
        f"over HTTPS/WSS to the emulator"
    )
    print(
        f"event -> tracker applied: p50 {r['apply_p50_ms']:.2f} ms, "
        f"p99 {r['apply_p99_ms']:.2f} ms, max {r['apply_max_ms']:.2f} ms"
    )
    print(
        f"event -> state update delivered ({r['updates']:.0f} updates): "
        f"p50 {r['update_p50_ms']:.2f} ms, p99 {r['update_p99_ms']:.2f} ms"
    )


if __name__ == "__main__":
    main()
