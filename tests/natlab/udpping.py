"""A tiny UDP reachability tool run inside lab namespaces (the lab has no ping binary).

udpping.py echo PORT [v6]       answer every datagram with itself, forever (v6: on IPv6);
                                prints "ready" once bound
udpping.py ping HOST PORT       send one datagram (STUN binding if PORT is 3478), retrying
                                for 1 s; print the round trip in ms, exit 1 on no answer
"""

from __future__ import annotations

import os
import socket
import sys
import time

STUN_BINDING = bytes.fromhex("0001000021122a42") + os.urandom(12)


def echo(port: int, v6: bool = False) -> None:
    with socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("::" if v6 else "0.0.0.0", port))
        sys.stdout.write("ready\n")  # bound: start_echo waits for this line
        sys.stdout.flush()
        while True:
            data, addr = s.recvfrom(2048)
            s.sendto(data, addr)


def ping(host: str, port: int) -> int:
    payload = STUN_BINDING if port == 3478 else b"natlab-ping"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.settimeout(0.25)
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            t0 = time.monotonic()
            try:
                s.sendto(payload, (host, port))
                s.recv(2048)
            except OSError:  # timeout or unreachable: retry until the deadline
                continue
            sys.stdout.write(f"{(time.monotonic() - t0) * 1000:.2f}\n")
            return 0
    return 1


if __name__ == "__main__":
    if sys.argv[1] == "echo":
        echo(int(sys.argv[2]), v6=sys.argv[3:] == ["v6"])
    sys.exit(ping(sys.argv[2], int(sys.argv[3])))
