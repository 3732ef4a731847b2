#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The paper's Fig. 6 server, for a real peer of `twinos run -i TAP --server`.

Run it on the host side of the TAP device (Python standard library only):

    python3 scripts/fig6_server.py --bind 10.0.2.2:7007

It speaks the same request/reply format as the built-in server host
(src/twinos/edge/server_host.cpp): a UDP request `count=N sizes=a,b,c` makes
it send N replies to the requester, cycling through the frame sizes (each a
whole Ethernet frame of that many bytes, 46..1514). A reply's payload is the
sequence number (4 bytes, big-endian) followed by byte i = (7 * sequence + i)
mod 256 for i = 4, 5, ... -- the pattern the co-existing OS's client checks.

Replies leave back to back at the link's speed (--rate, 100 Mbit/s like the
simulated wire), never faster, so the TAP's queue is not overrun; a send the
host's queue refuses (ENOBUFS) is retried, never dropped.
"""
import argparse
import errno
import socket
import sys
import time

MIN_FRAME = 14 + 20 + 8 + 4  # headers plus the sequence number
MAX_FRAME = 1514
HEADERS = 14 + 20 + 8


def parse_request(text):
    """(count, sizes) from `count=N sizes=a,b,c`, or None when malformed."""
    try:
        count_part, sizes_part = text.split(" ", 1)
        if not count_part.startswith("count=") or not sizes_part.startswith("sizes="):
            return None
        count = int(count_part[6:])
        sizes = [int(s) for s in sizes_part[6:].split(",")]
    except ValueError:
        return None
    if not 0 <= count <= 0xFFFFFFFF or not sizes:
        return None
    if any(s < MIN_FRAME or s > MAX_FRAME for s in sizes):
        return None
    return count, sizes


RAMP = bytes(range(256)) * 8  # every run of the pattern is a slice of this


def payload(sequence, frame_size):
    n = frame_size - HEADERS
    start = (sequence * 7 + 4) & 0xFF
    return sequence.to_bytes(4, "big") + RAMP[start:start + n - 4]


def wire_seconds(frame_size, rate):
    """Preamble, the frame padded to 60, FCS and the gap, at `rate` bit/s."""
    return (8 + max(frame_size, 60) + 4 + 12) * 8 / rate


def send(sock, data, to):
    while True:
        try:
            sock.sendto(data, to)
            return
        except OSError as e:
            if e.errno not in (errno.ENOBUFS, errno.EAGAIN):
                raise
            time.sleep(0.0005)  # the host's queue is full: wait, then again


def serve(sock, request, sender, rate):
    count, sizes = request
    due = time.monotonic()
    for sequence in range(count):
        size = sizes[sequence % len(sizes)]
        send(sock, payload(sequence, size), sender)
        due += wire_seconds(size, rate)
        ahead = due - time.monotonic()
        if ahead > 0.001:
            time.sleep(ahead)
    return count


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bind", default="0.0.0.0:7007", help="ADDR:PORT to listen on")
    ap.add_argument("--rate", type=float, default=100e6, help="link speed in bit/s")
    ap.add_argument("--once", action="store_true", help="exit after one request")
    args = ap.parse_args()
    host, _, port = args.bind.rpartition(":")
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    try:
        sock.bind((host, int(port)))
    except (OSError, ValueError) as e:
        sys.exit(f"fig6_server: error: cannot listen on {args.bind}: {e}")
    print(f"fig6_server: listening on {args.bind}", flush=True)
    while True:
        data, sender = sock.recvfrom(2048)
        request = parse_request(data.decode("ascii", "replace"))
        if request is None:
            print(f"fig6_server: bad request from {sender[0]}:{sender[1]}: {data[:60]!r}",
                  file=sys.stderr, flush=True)
            continue
        sent = serve(sock, request, sender, args.rate)
        print(f"fig6_server: sent {sent} replies to {sender[0]}:{sender[1]}", flush=True)
        if args.once:
            return 0


if __name__ == "__main__":
    sys.exit(main())
