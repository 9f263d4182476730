"""NAT diagnosis for ``webrtc-party doctor``: a pure classifier and an asyncio STUN probe."""

from webrtc_party.nat.classify import Diagnosis, NatType, ProbeResults, Verdict, describe, diagnose

__all__ = ["Diagnosis", "NatType", "ProbeResults", "Verdict", "describe", "diagnose"]
