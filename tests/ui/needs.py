"""Whether the browser tests can run: skip with a reason, but under CI a missing browser fails."""

from __future__ import annotations

import importlib.util
import os

import pytest

__all__ = ["require_browser"]


def require_browser() -> None:
    """Call at the top of a browser test module, before importing the harness."""
    reasons = []
    if importlib.util.find_spec("playwright") is None:
        reasons.append("the playwright package is not installed (pip install playwright)")
    if not os.path.exists("/usr/bin/chromium"):
        reasons.append("/usr/bin/chromium is not installed (apt-get install chromium)")
    if not reasons:
        return
    reason = "; ".join(reasons)
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run under CI: {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)
