// SPDX-License-Identifier: MIT
// Classic BPF: the interpreter, run on the packet where it lies.
// LAB 5 STARTER -- this file stands in for src/capture/bpf_interpreter.cpp
// when the build is configured with -DTWINOS_LAB=lab05.
//
// You implement: `bpf::run(program, packet, wire_length)`.
// Provided (do not change): bpf.h (the instruction encoding constants kLd,
// kW, kAbs, kAdd, kJeq, kK, kX, ...), the validator (bpf_validate.cpp).
//
// Paper: §3.2 problem 4, §5. Chapter: chapters/05-packet-acquisition.rst.
// Lab: labs/lab05-bpf/README.rst.
#include "capture/bpf.h"

namespace capture::bpf {

// LAB 5 — your code here.
//
// Run a validated program on one packet, as libpcap's bpf_filter does.
//   State: 32-bit A and X, scratch M[0..15], all 0 at the start.
//   Count every instruction executed in `executed`.
//   Loads (LD into A, LDX into X): IMM k; MEM M[k]; LEN the wire length;
//     ABS / IND: the big-endian word, half-word or byte at k (or X + k) --
//     if any byte of it is past the end of `packet`, return accept = 0;
//     LDX MSH: X = 4 * (packet[k] & 0x0f), same bounds rule.
//   ST: M[k] = A. STX: M[k] = X.
//   ALU: A = A op (k or X) for ADD SUB MUL DIV OR AND LSH RSH MOD XOR, and
//     NEG (A = -A). Division or modulo by 0 returns accept = 0; a shift by
//     32 or more gives 0.
//   JMP: JA jumps k instructions forward; JEQ JGT JGE JSET compare A with k
//     or X and skip jt (true) or jf (false) instructions.
//   RET: accept = k, A or X; stop.
//   MISC: TAX (X = A), TXA (A = X).
RunResult run(std::span<const Insn> program, std::span<const std::byte> packet,
              std::uint32_t wire_length) {
    (void)program;
    (void)packet;
    (void)wire_length;
    return {};
}

}  // namespace capture::bpf
