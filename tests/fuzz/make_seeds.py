#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the committed seed corpora of the fuzz harnesses (tests/fuzz/corpus).
Run from anywhere; rerun after changing a harness's input encoding.

rule_file: a few rule files, good and bad. bpf: [count][8-byte insns][packet].
pseudo_nic: operation programs for fuzz_pseudo_nic.cpp -- a normal receive,
and two attacks (a UPD and a DPD naming the canary) that the real
confinement refuses and the weakened one lets through.
"""
import os
import struct

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(folder, name, data):
    os.makedirs(os.path.join(HERE, folder), exist_ok=True)
    with open(os.path.join(HERE, folder, name), "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


put("rule_file", "web-dns", 'twinos-rules 1\nrule web filter "tcp port 80" slice 0 96\n'
    'rule dns filter "udp port 53" slice 512\ndefault slice 14 40\n')
put("rule_file", "all", 'twinos-rules 1\nrule all filter "" slice 0 1536\n')
put("rule_file", "bad", 'twinos-rules 1\nrule a filter "tcp port 80 slice 9\n')
put("rule_file", "ip-udp", 'twinos-rules 1\nrule x filter "ip and udp and not port 53" slice 14 20\n')


def insn(code, k=0, jt=0, jf=0):
    return struct.pack("<HBBI", code, jt, jf, k)


arp_packet = bytes(12) + b"\x08\x06" + bytes(28)
put("bpf", "arp", bytes([4]) + insn(0x28, 12) + insn(0x15, 0x806, 0, 1) + insn(0x06, 96) +
    insn(0x06, 0) + arp_packet)
put("bpf", "scratch", bytes([5]) + insn(0x80) + insn(0x02, 3) + insn(0x61, 3) + insn(0x87) +
    insn(0x16) + bytes(60))
put("bpf", "div-x", bytes([4]) + insn(0x00, 9) + insn(0x01, 0) + insn(0x3c) + insn(0x16) + bytes(20))


# fuzz_pseudo_nic operations: 0 guest write (offset, value), 1 UpListPtr,
# 2 DownListPtr, 3 command, 4 frame in, 5 run. Values go through address():
# raw & 3 == 0 -> the canary + (raw >> 2 & 0xfff); == 1 -> the boundary
# less (raw >> 2 & 0xff); == 2 -> raw >> 3, with bit 31 (LastFrag) if raw & 4;
# == 3 -> 0x300000 + (raw >> 2 & 0xfff8).
def value(v, last=False):
    return struct.pack("<I", (v << 3) | 2 | (4 if last else 0))


def guest(offset):
    return struct.pack("<I", (offset << 2) | 3)


CANARY = struct.pack("<I", 0)  # the canary's first byte
HERE_UPD = guest(0)  # 0x300000


def guest_write(offset, raw):
    return bytes([0]) + struct.pack("<I", offset) + raw


def upd_ring(fragment):
    return (guest_write(0, HERE_UPD) + guest_write(4, value(0)) + guest_write(8, fragment) +
            guest_write(12, value(0x600, last=True)))


normal = upd_ring(value(0x310000)) + bytes([1]) + HERE_UPD + bytes([4, 5, 1, 2, 5, 50])
put("pseudo_nic", "receive", normal)
put("pseudo_nic", "upd-into-canary", upd_ring(CANARY) + bytes([1]) + HERE_UPD + bytes([4, 5, 1, 2, 5, 50]))
dpd = (guest_write(0x100, value(0)) + guest_write(0x104, value(200)) + guest_write(0x108, CANARY) +
       guest_write(0x10c, value(200, last=True)))
put("pseudo_nic", "dpd-from-canary", dpd + bytes([2]) + guest(0x100) + bytes([5, 50]))
# Found by the fuzzer in CI: port I/O issued while the preceding OS held the
# CPU (the harness now lets time pass until the guest runs); kept as a seed.
put("pseudo_nic", "io-while-the-preceding-os-runs", bytes.fromhex("3b0000430000f5f5f5f5f5f5f5f5f5f5f5f50206120000000000f5f5f5f543"))
with open(os.path.join(os.path.dirname(HERE), "..", "data", "pcaps", "ethernet", "ntp.pcap"), "rb") as f:
    put("capture_reader", "ntp-cut-in-a-record", f.read()[:70])
print("seeds written to", HERE)
