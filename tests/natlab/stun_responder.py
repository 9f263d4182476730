"""A plain STUN server without RFC 5780 (no OTHER-ADDRESS) for the two-server doctor probe.

stun_responder.py IP:PORT [IP:PORT ...]    answer binding requests on each address
"""

from __future__ import annotations

import socket
import sys
import threading

import aioice.stun as stun


def serve(ip: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((ip, port))
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
    threads = []
    for arg in sys.argv[1:]:
        host, port = arg.rsplit(":", 1)
        t = threading.Thread(target=serve, args=(host, int(port)), daemon=True)
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
