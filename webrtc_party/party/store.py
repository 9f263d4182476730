"""The gossip record store: newest signed state per member, goodbyes, key bindings.

``offer_state`` and ``offer_leave`` decide, purely, whether a record is new,
a duplicate, stale or bad; they never raise on peer input.
"""

from __future__ import annotations

import enum
import hashlib
from collections import OrderedDict
from collections.abc import Callable

from webrtc_party.party.messages import (
    MAX_SYNC_RECORDS,
    PROTOCOL_VERSION,
    Leave,
    StateMessage,
    encode_message,
)
from webrtc_party.party.model import MemberId
from webrtc_party.party.signing import KeyRing, verify_signed

__all__ = ["RecordStore", "RecordVerdict"]


class RecordVerdict(enum.Enum):
    NEW = "new"
    """A member we did not know (or that had left) is here."""
    UPDATE = "update"
    DUPLICATE = "duplicate"
    STALE = "stale"
    OWN = "own"
    """A record of this very member (echoed back, or from an earlier run)."""
    UNKNOWN_ORIGIN = "unknown_origin"
    FULL = "full"
    THROTTLED = "throttled"
    """The origin published faster than its budget allows."""
    BAD_SIGNATURE = "bad_signature"
    KEY_MISMATCH = "key_mismatch"

    @property
    def accepted(self) -> bool:
        return self in (RecordVerdict.NEW, RecordVerdict.UPDATE)

    @property
    def is_violation(self) -> bool:
        return self in (RecordVerdict.BAD_SIGNATURE, RecordVerdict.KEY_MISMATCH)


class RecordStore:
    """Newest state per member (self included) and recent goodbyes."""

    def __init__(self, me: MemberId, max_members: int, max_tombstones: int) -> None:
        self.me = me
        self.keys = KeyRing()
        self.states: dict[MemberId, StateMessage] = {}
        self.texts: dict[MemberId, str] = {}
        self.tombstones: OrderedDict[MemberId, Leave] = OrderedDict()
        self._tomb_texts: dict[MemberId, str] = {}
        self._max_members = max_members
        self._digest: str | None = None
        self._max_tombstones = max_tombstones
        self.vouched: set[MemberId] = set()
        """Members whose bound key came in a hello over a link of their own (see ``vouch``)."""

    def vouch(self, member: MemberId) -> None:
        """``member`` said hello with its bound key on a direct link: pinned for the party."""
        self.vouched.add(member)
    def digest(self) -> str:
        """A short summary of every (member, seq) held: equal digests, equal records."""
        if self._digest is None:
            lines = sorted(
                [f"{m} {msg.state.seq}" for m, msg in self.states.items()]
                + [f"{m} -{leave.seq}" for m, leave in self.tombstones.items()]
            )
            raw = "\n".join(lines).encode()
            self._digest = hashlib.blake2b(raw, digest_size=8).hexdigest()
        return self._digest

    def put_own(self, msg: StateMessage) -> str:
        self._digest = None
        self.keys.bind(self.me, msg.state.key)
        self.states[self.me] = msg
        text = self.texts[self.me] = encode_message(msg)
        return text

    def offer_state(
        self, msg: StateMessage, admit: Callable[[MemberId], bool] | None = None
    ) -> RecordVerdict:
        """Judge a state; the signature is checked only if the state would be used.

        ``admit(origin)`` is asked last, for a valid newer state only (a rate budget).
        """
        state = msg.state
        origin = state.origin
        current = self.states.get(origin)
        if current is not None and state.seq <= current.state.seq:
            same = state.seq == current.state.seq
            return RecordVerdict.DUPLICATE if same else RecordVerdict.STALE
        tomb = self.tombstones.get(origin)
        if tomb is not None and state.seq <= tomb.seq:
            return RecordVerdict.STALE
        if not verify_signed(msg, state.key):
            return RecordVerdict.BAD_SIGNATURE
        if not self.keys.admits(origin, state.key):
            return RecordVerdict.KEY_MISMATCH
        if origin == self.me:
            return RecordVerdict.OWN
        if current is None and len(self.states) >= self._max_members:
            return RecordVerdict.FULL
        if admit is not None and not admit(origin):
            return RecordVerdict.THROTTLED
        self._digest = None
        self.keys.bind(origin, state.key)
        self.states[origin] = msg
        self.texts[origin] = encode_message(msg)
        if tomb is not None:
            del self.tombstones[origin]
            del self._tomb_texts[origin]
        return RecordVerdict.UPDATE if current is not None else RecordVerdict.NEW

    def offer_leave(self, msg: Leave) -> RecordVerdict:
        key = self.keys.get(msg.origin)
        if key is None:
            return RecordVerdict.UNKNOWN_ORIGIN
        if not verify_signed(msg, key):
            return RecordVerdict.BAD_SIGNATURE
        if msg.origin == self.me:
            return RecordVerdict.OWN
        tomb = self.tombstones.get(msg.origin)
        if tomb is not None and msg.seq <= tomb.seq:
            return RecordVerdict.DUPLICATE
        current = self.states.get(msg.origin)
        if current is not None and current.state.seq >= msg.seq:
            return RecordVerdict.STALE
        self._digest = None
        self.states.pop(msg.origin, None)
        self.texts.pop(msg.origin, None)
        self.tombstones[msg.origin] = msg
        self.tombstones.move_to_end(msg.origin)
        self._tomb_texts[msg.origin] = encode_message(msg)
        while len(self.tombstones) > self._max_tombstones:
            self._evict_tombstone()
        return RecordVerdict.NEW

    def _evict_tombstone(self) -> None:
        """Drop the oldest goodbye of a member never met directly (else the oldest at all).

        Its key binding goes with it, so the key ring stays bounded too. Members that
        said hello on a link of their own keep their goodbye while any other one can go:
        sybils made up and relayed by one member cannot push a real leaver out.
        """
        gone = next((m for m in self.tombstones if m not in self.vouched), None)
        if gone is None:
            gone = next(iter(self.tombstones))
        del self.tombstones[gone]
        del self._tomb_texts[gone]
        if gone not in self.states:
            self.keys.drop(gone)
            self.vouched.discard(gone)

    def forget(self, member: MemberId) -> StateMessage | None:
        """Drop ``member``'s state (its key binding stays); return what was held."""
        self._digest = None
        self.texts.pop(member, None)
        return self.states.pop(member, None)

    def record_texts(self) -> list[str]:
        """Every record as its encoded message text, for a full sync."""
        return [*self.texts.values(), *self._tomb_texts.values()]

    def sync_texts(self, max_size: int) -> list[str]:
        """Full-sync messages carrying every record, each within ``max_size`` bytes.

        A record too large to travel in a sync on its own is left out (decode refuses
        such records, so only a smaller ``max_size`` than a peer's can meet one).
        """
        limit = max_size - _SYNC_OVERHEAD
        out: list[str] = []
        chunk: list[str] = []
        size = 0
        for text in self.record_texts():
            length = len(text.encode()) + 1
            if length > limit:
                continue
            if chunk and (size + length > limit or len(chunk) >= MAX_SYNC_RECORDS):
                out.append(_sync_text(chunk))
                chunk, size = [], 0
            chunk.append(text)
            size += length
        if chunk:
            out.append(_sync_text(chunk))
        return out


_SYNC_OVERHEAD = len(f'{{"type":"sync","v":{PROTOCOL_VERSION},"records":[]}}')


def _sync_text(records: list[str]) -> str:
    joined = ",".join(records)
    return f'{{"type":"sync","v":{PROTOCOL_VERSION},"records":[{joined}]}}'
