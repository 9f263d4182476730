"""Test-wide settings."""

from __future__ import annotations

from hypothesis import settings

# Machines here are shared and noisy: a per-example deadline would make property tests
# flaky without testing anything we promise (speed lives in bench/, not in tests).
settings.register_profile("webrtc-party", deadline=None)
settings.load_profile("webrtc-party")
