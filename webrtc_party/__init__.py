"""webrtc-party: a serverless party mode over WebRTC data channels."""

import logging

__all__ = ["__version__"]
__version__ = "0.1.0"  # the only place the version is written (pyproject.toml reads it)

logging.getLogger(__name__).addHandler(logging.NullHandler())
