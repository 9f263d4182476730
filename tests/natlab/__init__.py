"""The NAT lab: real NAT routers in network namespaces (see lab.py and docs/nat.md).

Run as root: ``python3 -m pytest tests/natlab -m natlab``. Needs ip (iproute2), nft, conntrack,
tc, bridge and turnserver (Debian: nftables coturn conntrack iproute2). Without them the lab
tests skip and say why; with ``CI=true`` they fail instead. ``NATLAB_RESULTS=/path.jsonl``
appends every measured connection (path, open time, failure code) as one JSON line.
"""
