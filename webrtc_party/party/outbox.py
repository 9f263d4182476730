"""What the party core has for its shell: texts to send and events, in order.

The gossip part and the introductions part write into one ``Outbox``, so the
shell drains a single ordered stream whichever part produced an item.
"""

from __future__ import annotations

from collections.abc import Iterable

from webrtc_party.party.events import PartyEvent

__all__ = ["Outbox"]


class Outbox:
    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []  # (link_id, text)
        self.events: list[PartyEvent] = []

    def send(self, link_id: str, text: str) -> None:
        self.texts.append((link_id, text))

    def emit(self, event: PartyEvent) -> None:
        self.events.append(event)

    def emit_all(self, events: Iterable[PartyEvent]) -> None:
        self.events.extend(events)

    def take_texts(self) -> list[tuple[str, str]]:
        texts, self.texts = self.texts, []
        return texts

    def take_events(self) -> list[PartyEvent]:
        events, self.events = self.events, []
        return events
