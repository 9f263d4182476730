"""Tests of the Rose adapter (webrtc_party.rose)."""
