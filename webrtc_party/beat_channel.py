"""A link's heartbeat channel: the decisions of heartbeat.py carried out on channel 1.

The link gives it the unreliable data channel, its one clock and what to do on
``bye``; it answers pings, measures round trips and tells when the peer vanished.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiortc import RTCDataChannel

from webrtc_party.heartbeat import (
    Beat,
    BeatPing,
    BeatPong,
    Bye,
    Heartbeat,
    SendPing,
    Vanished,
    decode_beat,
    encode_beat,
)

__all__ = ["BeatChannel"]


class BeatChannel:
    def __init__(
        self, channel: RTCDataChannel, clock: Callable[[], float], on_bye: Callable[[], None]
    ) -> None:
        self._channel = channel
        self._clock = clock
        self._on_bye = on_bye
        self._heart: Heartbeat | None = None  # from open on
        self._detached = False
        channel.on("message", self._on_message)

    @property
    def rtt_ms(self) -> float | None:
        return None if self._heart is None else self._heart.rtt_ms

    def start(self, interval: float, timeout: float) -> None:
        """The link opened: from now on a silent peer counts as vanishing."""
        self._heart = Heartbeat(interval, timeout, self._clock())

    def heard(self) -> None:
        """A packet came from the peer (on any channel)."""
        if self._heart is not None:
            self._heart.heard(self._clock())

    def send(self, beat: Beat) -> None:
        if not self._detached and self._channel.readyState == "open":
            self._channel.send(encode_beat(beat))

    async def watch(self) -> Vanished:
        """Tick every interval (pinging when due) until the peer vanished; ``start`` first."""
        heart = self._heart
        assert heart is not None, "BeatChannel.watch before start"
        while True:
            step = heart.tick(self._clock())
            if isinstance(step, Vanished):
                return step
            if isinstance(step, SendPing):
                self.send(step.ping)
            await asyncio.sleep(heart.interval)

    def detach(self) -> None:
        """The link closed: no more callbacks, nothing more sent."""
        self._detached = True
        self._channel.remove_all_listeners()

    def _on_message(self, message: str | bytes) -> None:
        if self._detached:
            return
        self.heard()
        beat = decode_beat(message)
        if isinstance(beat, BeatPing):
            self.send(BeatPong(beat.seq))
        elif isinstance(beat, BeatPong) and self._heart is not None:
            self._heart.pong(beat, self._clock())
        elif isinstance(beat, Bye):
            self._on_bye()
