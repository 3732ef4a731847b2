#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Make the real captures of tests/data/pcaps/linux/: traffic between two Linux
# network stacks in network namespaces joined by a veth pair, recorded by
# tcpdump on one end. Bursts of back-to-back frames at veth speed (several
# Gbit/s), segmentation offload "frames" larger than the MTU and all -- what
# a user's own captures look like, and what the paper's 100 Mbit/s card
# cannot take at the recorded times.
#
#   sudo scripts/make_real_captures.sh [OUT_DIR]
#
# Needs root (or CAP_NET_ADMIN), ip, ethtool, tcpdump, ping, curl and python3. Uses
# only the addresses 10.213.0.1 and 10.213.0.2 inside its own namespaces,
# and removes them at the end.
set -euo pipefail
out="${1:-$(dirname "$0")/../tests/data/pcaps/linux}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
a=twinos-cap-a
b=twinos-cap-b
cleanup() { ip netns del "$a" 2>/dev/null || true; ip netns del "$b" 2>/dev/null || true; }
trap cleanup EXIT
cleanup
ip netns add "$a"
ip netns add "$b"
ip link add veth-a netns "$a" type veth peer name veth-b netns "$b"
ip -n "$a" addr add 10.213.0.1/24 dev veth-a
ip -n "$b" addr add 10.213.0.2/24 dev veth-b
ip -n "$a" link set veth-a up
ip -n "$b" link set veth-b up
ip -n "$a" link set lo up
ip -n "$b" link set lo up
# No segmentation offload: the wire carries MTU-sized frames, back to back,
# as between two real hosts (with it, tcpdump on a veth sees 64 KiB "frames").
for ns_dev in "$a veth-a" "$b veth-b"; do
    set -- $ns_dev
    ip netns exec "$1" ethtool -K "$2" tso off gso off gro off tx off > /dev/null 2>&1 || true
done
work="$(mktemp -d)"
head -c 300000 /dev/urandom > "$work/blob.bin"
printf '<html><body>%s</body></html>\n' "$(head -c 20000 /dev/urandom | base64 -w 0)" > "$work/index.html"

# record NAME COMMAND...: tcpdump on veth-b while COMMAND runs in namespace a.
record() {
    local name="$1"
    shift
    ip netns exec "$b" tcpdump -i veth-b -s 0 -U -w "$out/$name" 2>/dev/null &
    local dump=$!
    sleep 1
    ip netns exec "$a" "$@"
    sleep 1
    kill -INT "$dump"
    wait "$dump" || true
    echo "wrote $out/$name"
}

# A TCP bulk transfer: 300 kB to a sink in b.
ip netns exec "$b" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.213.0.2", 5001)); s.listen(1); c, _ = s.accept()
while c.recv(65536): pass
' &
sink=$!
sleep 0.5
record tcp-bulk.pcap python3 -c '
import socket, sys
s = socket.create_connection(("10.213.0.2", 5001))
s.sendall(open(sys.argv[1], "rb").read()); s.close()
' "$work/blob.bin"
wait "$sink" || true

# An HTTP exchange: a small site served from b, fetched from a.
(cd "$work" && exec ip netns exec "$b" python3 -m http.server 8080 --bind 10.213.0.2) \
    > /dev/null 2>&1 &
server=$!
sleep 1
record http.pcap sh -c 'for i in 1 2 3; do curl -s -o /dev/null http://10.213.0.2:8080/index.html; curl -s -o /dev/null http://10.213.0.2:8080/blob.bin; done'
kill "$server" || true

# A ping flood with mixed sizes.
record ping-flood.pcap sh -c 'for s in 56 300 1000 1472; do ping -q -f -c 60 -s $s 10.213.0.2 > /dev/null; done'
rm -rf "$work"
