"""A plain STUN server without RFC 5780 (no OTHER-ADDRESS) for the two-server doctor probe.

stun_responder.py IP:PORT [IP:PORT ...]    answer binding requests on each address

It prints ``ready`` once every address is bound (``start_responder`` waits for it: a fixed
sleep was too short on a loaded machine, and a node that asked before then saw one server).
"""

from __future__ import annotations

import socket
import sys
import threading

import aioice.stun as stun


def serve(s: socket.socket) -> None:
    with s:
        while True:
            data, addr = s.recvfrom(2048)
            try:
                req = stun.parse_message(data)
            except ValueError:
                continue
            resp = stun.Message(stun.Method.BINDING, stun.Class.RESPONSE, req.transaction_id)
            resp.attributes["XOR-MAPPED-ADDRESS"] = addr
            s.sendto(bytes(resp), addr)


if __name__ == "__main__":
    socks = []
    for arg in sys.argv[1:]:
        host, port = arg.rsplit(":", 1)
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((host, int(port)))
        socks.append(sock)
    threads = [threading.Thread(target=serve, args=(s,), daemon=True) for s in socks]
    for t in threads:
        t.start()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    for t in threads:
        t.join()
