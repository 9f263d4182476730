"""League client (LCU) adapter: lockfile, REST and WAMP client, pure tracker, emulator.

The tracker core (``state``, ``parse``, ``tracker``, ``wamp``) does no I/O; the
client and watcher in ``client`` are the asyncio shell around it.
"""

from __future__ import annotations

import logging

__all__: list[str] = []

logging.getLogger(__name__).addHandler(logging.NullHandler())
