"""The party core: gossip, heartbeats, status and introductions, without I/O.

The shell owns the data channels and the clock. It reports links opening and
closing and every received text, calls ``tick`` every ~100-250 ms (or at
``next_tick``), and then drains ``data_to_send()`` and ``events_received()``.
Nothing a peer sends makes ``receive`` raise: bad input is dropped and counted
against the link, and past ``max_violations`` a ``CloseLink`` event asks the
shell to close it.

``PartyCore`` is the shell's one entry point, composed of two parts by job:
``Gossip`` (gossip.py: records, links, party heartbeats, status) and
``Introductions`` (introductions.py: who invites whom, routing the tokens).
Each sees the other only through a small interface (``IntroHost``, ``IntroBook``);
both write into one ``Outbox``, drained here in order.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from webrtc_party import __version__
from webrtc_party.party.config import PartyConfig
from webrtc_party.party.errors import FieldError, ProtocolError
from webrtc_party.party.events import LinkView, MemberView, PartyEvent
from webrtc_party.party.gossip import Gossip
from webrtc_party.party.intro import IntroScheduler
from webrtc_party.party.intro_host import GossipHost
from webrtc_party.party.introductions import Introductions
from webrtc_party.party.messages import Intro, decode_message
from webrtc_party.party.model import GamePhase, MemberId, MemberIdentity, Selection, selection_tuple
from webrtc_party.party.outbox import Outbox
from webrtc_party.party.routes import Routes
from webrtc_party.party.store import RecordStore

__all__ = ["PartyCore"]


class PartyCore:
    """One member's view of the party. Every method takes the shell's ``now`` (seconds)."""

    def __init__(
        self,
        identity: MemberIdentity,
        private_key: Ed25519PrivateKey,
        *,
        now: float,
        incarnation: int = 0,
        config: PartyConfig | None = None,
        app_version: str = __version__,
    ) -> None:
        """``incarnation``: a number larger than at any earlier run (wall-clock ms)."""
        self.config = cfg = config or PartyConfig()
        self.me: MemberId = identity.puuid
        self._outbox = Outbox()
        schedule = IntroScheduler(cfg)
        self.gossip = Gossip(
            identity,
            private_key,
            schedule,
            self._outbox,
            now=now,
            incarnation=incarnation,
            config=cfg,
            app_version=app_version,
        )
        self.introductions = Introductions(
            GossipHost(self.gossip), schedule, private_key, self._outbox
        )

    # -- read-only taps for tests and diagnostics (never change what they return) --

    @property
    def records(self) -> RecordStore:
        """The signed states, their wire texts, the keys and the goodbyes this core holds."""
        return self.gossip.store

    @property
    def routes(self) -> Routes:
        """Through which neighbours this core hears each member."""
        return self.gossip.routes

    @property
    def hello_text(self) -> str:
        """The hello this core sends first on every link."""
        return self.gossip.hello_text

    def link_up(
        self,
        link_id: str,
        now: float,
        expect: MemberId | None = None,
        expect_key: bytes | None = None,
    ) -> None:
        """A data channel opened; the core says hello on it.

        ``expect``: the member an introduction made this link for; a peer that
        says hello as anyone else is refused (``CloseLink``, impersonation).
        ``expect_key``: the key that member must say hello with (remembered): until that
        hello nothing but ours goes out on the link, and another key closes it
        (impersonation, ``KEY_NOT_REMEMBERED``) before any state is sent.
        """
        self.gossip.add_link(link_id, now, expect, expect_key)

    def link_down(self, link_id: str, now: float) -> None:
        """A data channel closed (for any reason)."""
        self.gossip.drop_link(link_id, now)

    def receive(self, link_id: str, text: str, now: float) -> None:
        """A text arrived on ``link_id``. Never raises on anything the peer sent."""
        if not self.admit(link_id, text, now, self.config.max_message_size, check_size=False):
            return
        gossip = self.gossip
        link = gossip.links[link_id]
        try:
            msg = decode_message(text, self.config.max_message_size)
        except ProtocolError as exc:
            gossip.violation(link, str(exc), now)
            return
        if msg is not None:
            try:
                if isinstance(msg, Intro):
                    self.introductions.on_intro(link, msg, now)
                else:
                    gossip.handle(link, msg, now)
            except FieldError as exc:  # a bug guard: nothing a peer sends may escape
                gossip.violation(link, f"message could not be handled: {exc}", now)
        gossip.refresh(now)

    def admit(
        self, link_id: str, text: str, now: float, max_size: int, *, check_size: bool = True
    ) -> bool:
        """Charge a text from ``link_id`` to that link's budget; False if it must be dropped.

        Every text a link carries goes through here (``receive`` does it; the shell calls
        it for what it handles itself, such as chat): a text costs ``1 + size // 4096``
        tokens; over the rate, or (``check_size``) over ``max_size`` characters, it is
        dropped and counted as a violation.
        """
        gossip = self.gossip
        link = gossip.links.get(link_id)
        if link is None or link.closing or gossip.closed:
            return False
        if check_size and len(text) > max_size:
            gossip.violation(link, f"message over {max_size} characters", now)
            gossip.refresh(now)
            return False
        if not link.bucket.take(now, 1 + min(len(text), self.config.max_message_size) // 4096):
            gossip.violation(link, "rate limit exceeded", now)
            return False
        return True

    def set_selection(
        self, selection: Selection | Sequence[Selection] | None, now: float
    ) -> None:
        """The skin(s) this member will inject now, first pick first (coalesced; latest
        always wins). Several: one per champion, at most ``MAX_SELECTIONS`` (else
        ``FieldError``)."""
        self.gossip.want((selection_tuple(selection), self.gossip.wanted[1]), now)

    def set_phase(self, phase: GamePhase, now: float) -> None:
        self.gossip.want((self.gossip.wanted[0], phase), now)

    def tick(self, now: float) -> None:
        """Run timers: coalesced sends, pings, anti-entropy, timeouts, introductions."""
        if self.gossip.closed:
            return
        self.gossip.tick(now)
        self.introductions.tick(now)
        self.gossip.refresh(now)

    def send_intro_offer(self, intro_id: int, token: str, now: float) -> bool:
        """Route the invite ``token`` for an ``IntroNeeded``; False if it expired.

        Raises ``FieldError`` if ``token`` could not travel (see ``check_token``).
        """
        return self.introductions.send_offer(intro_id, token, now)

    def send_intro_answer(self, origin: MemberId, intro_id: int, token: str, now: float) -> bool:
        """Route the answer ``token`` to an ``IntroOfferReceived``; False if it is over
        (expired, superseded or cancelled): the shell closes the link it made for it."""
        return self.introductions.send_answer(origin, intro_id, token, now)

    def intro_open(self, origin: MemberId, intro_id: int) -> bool:
        """True while the invitation ``intro_id`` from ``origin`` may still be answered
        (not superseded, expired or answered): ask before making a link for it."""
        return self.introductions.is_open(origin, intro_id)

    def remove(self, member: MemberId, now: float) -> None:
        """Stop dealing with ``member`` here: close its links, forget it, ignore it from now.

        Local only: other members still see it, and this member relays nothing of it.
        Introductions cannot bring it back; a link the user makes by hand with it can.
        """
        self.gossip.remove(member, now)

    def leave(self, now: float) -> None:
        """Say goodbye to everyone; the core is closed afterwards."""
        self.gossip.leave(now)

    def data_to_send(self) -> list[tuple[str, str]]:
        """Drain ``(link_id, text)`` pairs to send, in order."""
        return self._outbox.take_texts()

    def events_received(self) -> list[PartyEvent]:
        """Drain the events since the last call, in order."""
        return self._outbox.take_events()

    def members(self, now: float) -> tuple[MemberView, ...]:
        """Every member (this one first) with its state and honest status."""
        return self.gossip.board.members(now)

    def key_of(self, member: MemberId) -> bytes | None:
        """The public key bound to ``member`` (None: not known)."""
        return self.gossip.store.keys.get(member)

    def links(self, now: float) -> tuple[LinkView, ...]:
        return self.gossip.board.link_views(now)

    def next_tick(self, now: float) -> float:
        """The latest time by which ``tick`` should run next."""
        return self.gossip.next_tick(now)

    @property
    def closed(self) -> bool:
        return self.gossip.closed
