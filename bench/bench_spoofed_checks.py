"""What one spoofed connectivity check costs an answerer that waits for its answer to land.

An answerer (real ``Link`` on 127.0.0.1) made its answer; the offerer never applies
it, so the answerer keeps checking until its answer expires (ttl + connect timeout).
A victim socket that never replies receives ONE binding request signed with the
answerer's real credentials, sent from the victim's address (what a spoofed source
address does); every packet the answerer then sends to the victim is counted
until the answerer gives up. The credentials are read from the link: format 1
let an onlooker compute them from the tokens; format 2 does not, so this is the
bound on what a peer (or a leak) can make us send.

    python bench/bench_spoofed_checks.py [--ttl 600] [--spoofed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.helpers import loopback_config, until
from tests.ice_attacker import Side, attacker, side_from_link
from webrtc_party import _aioice_patch as patch
from webrtc_party.errors import ConnectError
from webrtc_party.link import Link


async def run(ttl: int, spoofed: int) -> None:
    config = loopback_config(connect_timeout=15.0, token_ttl=ttl)
    host, guest = Link(config), Link(config)
    victims = [await attacker(answer=False) for _ in range(spoofed)]
    started = time.monotonic()
    try:
        invite = await host.create_invite()
        await guest.accept_invite(invite)
        assert guest._pc is not None
        conn = patch.ice_connection(guest._pc)
        await until(lambda: conn._early_checks_done, within=5)
        target = side_from_link(guest)
        source = Side(conn.remote_username or "", conn.remote_password or "", target.address)
        for victim in victims:
            victim.send_check(target, source, controlling=True)
        deadline = ttl + config.connect_timeout + 5
        with contextlib.suppress(ConnectError, TimeoutError):
            async with asyncio.timeout(deadline):
                await guest.wait_open()  # never opens: returns when the answer expired
        elapsed = time.monotonic() - started
        received = [len(v.seen) for v in victims]
        checks = [v.checks_received for v in victims]
        print(f"answer ttl {ttl} s, {spoofed} spoofed packet(s), watched {elapsed:.0f} s")
        print(f"packets received by the victims: total {sum(received)}, per victim {received}")
        print(f"of which binding requests (our checks): {sum(checks)}")
        print(f"per spoofed packet: {sum(received) / spoofed:.1f}")
    finally:
        for victim in victims:
            victim.close()
        await host.close()
        await guest.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ttl", type=int, default=600)
    parser.add_argument("--spoofed", type=int, default=1)
    opts = parser.parse_args()
    logging.getLogger("webrtc_party").setLevel(logging.ERROR)
    asyncio.run(run(opts.ttl, opts.spoofed))


if __name__ == "__main__":
    main()
