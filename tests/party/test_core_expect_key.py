"""A link held for a remembered key (``link_up(expect_key=...)``): nothing but our hello
before the peer's hello shows that key; another key closes it before any state goes out."""

from __future__ import annotations

import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from webrtc_party.party import CloseLink, CloseReason, PartyCore, Selection
from webrtc_party.party.links import KEY_NOT_REMEMBERED
from webrtc_party.party.signing import public_key_bytes

from .network import Network, P, make_identity


def _types(texts: list[str]) -> list[str]:
    return [json.loads(t).get("type", "?") for t in texts]


def test_a_remembered_key_link_refuses_another_key_before_any_state() -> None:
    net = Network(3)
    net.chain()
    net.run(10)
    target = net.cores[P[0]]
    target.set_selection(Selection(7, 7007), net.now)
    target.data_to_send()  # what went to the existing links
    remembered = public_key_bytes(net.keys[P[1]])
    impostor = PartyCore(make_identity(1), Ed25519PrivateKey.generate(), now=net.now)
    target.link_up("chat-1", net.now, expect=P[1], expect_key=remembered)
    sent = [text for link, text in target.data_to_send() if link == "chat-1"]
    assert sent == [target.hello_text]  # our hello only: no signed state of ours
    target.set_selection(Selection(8, 8008), net.now)  # a new pick is not published to it
    assert not [text for link, text in target.data_to_send() if link == "chat-1"]
    impostor.link_up("chat-1", net.now)
    for _, text in impostor.data_to_send():
        target.receive("chat-1", text, net.now)
    closes = [e for e in target.events_received() if isinstance(e, CloseLink)]
    assert [(e.reason, e.detail) for e in closes] == [
        (CloseReason.IMPERSONATION, KEY_NOT_REMEMBERED)
    ]
    assert not [text for link, text in target.data_to_send() if link == "chat-1"]


def test_a_remembered_key_link_works_with_that_key() -> None:
    net = Network(2)
    net.run(1)
    a, b = net.cores[P[0]], net.cores[P[1]]
    a.link_up("chat-1", net.now, expect=P[1], expect_key=public_key_bytes(net.keys[P[1]]))
    b.link_up("chat-1", net.now)
    to_b = [text for link, text in a.data_to_send() if link == "chat-1"]
    for _, text in b.data_to_send():
        a.receive("chat-1", text, net.now)
    assert not [e for e in a.events_received() if isinstance(e, CloseLink)]
    after = [text for link, text in a.data_to_send() if link == "chat-1"]
    assert to_b == [a.hello_text] and "sync" in _types(after)  # the sync follows the hello
    assert a.key_of(P[1]) == public_key_bytes(net.keys[P[1]])
