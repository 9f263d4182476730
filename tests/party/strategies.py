"""Hypothesis strategies for party values and messages."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import strategies as st

from webrtc_party.party.messages import (
    PROTOCOL_VERSION,
    Beat,
    Hello,
    IntroKind,
    Message,
    Ping,
    Pong,
    Sync,
)
from webrtc_party.party.model import (
    CustomMod,
    GamePhase,
    MemberIdentity,
    MemberState,
    Selection,
    Source,
)
from webrtc_party.party.signing import public_key_bytes, sign_intro, sign_leave, sign_state

__all__ = ["identities", "messages", "selections", "states"]

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUBLIC = public_key_bytes(KEY)

_name_chars = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="#")
puuids = st.from_regex(r"[A-Za-z0-9_-]{1,100}", fullmatch=True)
identities = st.builds(
    MemberIdentity,
    puuid=puuids,
    summoner_id=st.integers(0, 2**63 - 1),
    game_name=st.text(_name_chars, min_size=1, max_size=32).filter(str.isprintable),
    tag_line=st.from_regex(r"[A-Za-z0-9]{1,8}", fullmatch=True),
)
mods = st.builds(
    CustomMod,
    content_hash=st.from_regex(r"[0-9a-f]{64}", fullmatch=True),
    name=st.text(min_size=1, max_size=64).filter(str.isprintable),
)


@st.composite
def selections(draw: st.DrawFn) -> Selection:
    champion = draw(st.integers(1, 9999))
    skin = champion * 1000 + draw(st.integers(0, 999))
    source = draw(st.sampled_from(Source))
    chroma = None
    if source is Source.CHROMA or draw(st.booleans()):
        chroma = champion * 1000 + draw(st.integers(1, 999))
    custom = draw(mods) if source is Source.CUSTOM else None
    return Selection(champion, skin, chroma, custom, source)


states = st.builds(
    MemberState,
    identity=identities,
    key=st.just(PUBLIC),
    seq=st.integers(0, 2**53 - 1),
    selection=st.none() | selections(),
    phase=st.sampled_from(GamePhase),
)
tokens = st.from_regex(r"[\x21-\x7e]{1,200}", fullmatch=True)
uint = st.integers(0, 2**53 - 1)

hellos = st.builds(
    Hello,
    version=st.just(PROTOCOL_VERSION),
    app_version=st.from_regex(r"[0-9a-z.+-]{1,32}", fullmatch=True),
    capabilities=st.lists(st.from_regex(r"[a-z/0-9]{1,32}", fullmatch=True), max_size=16).map(
        tuple
    ),
    identity=identities,
    key=st.just(PUBLIC),
)
state_messages = states.map(lambda s: sign_state(s, KEY))
leaves = st.builds(lambda o, s: sign_leave(o, s, KEY), puuids, uint)
intros = st.builds(
    lambda k, o, t, i, tok: sign_intro(k, o, t, i, tok, KEY),
    st.sampled_from(IntroKind),
    puuids,
    puuids,
    uint,
    tokens,
)
digests = st.from_regex(r"[0-9a-f]{0,16}", fullmatch=True)
beats = st.builds(Beat, puuids, uint, uint, st.integers(0, 32))

messages: st.SearchStrategy[Message] = st.one_of(
    hellos,
    state_messages,
    leaves,
    intros,
    st.builds(Ping, uint, st.lists(beats, max_size=8).map(tuple), digests),
    st.builds(Pong, uint),
    st.lists(state_messages | leaves, max_size=3).map(lambda r: Sync(tuple(r))),
)
