// SPDX-License-Identifier: MIT
// Classic BPF: the filter language the capture part runs on packets in place.
// Part of the packet acquisition part (preceding OS kernel).
//
// The paper's future work asks for filtering (§5); classic BPF is what
// tcpdump compiles its expressions to (libpcap's `pcap_compile`, chapter 6)
// and what the Linux kernel runs in its socket filters. A program is a list
// of 8-byte instructions over an accumulator A, an index register X and 16
// scratch words M[]; it returns the number of bytes to keep, 0 for "no".
//
// Two halves, as in the kernel:
//   - `validate(program)`: refuses, with the instruction index and the
//     reason, anything the kernel's checker refuses -- so that the
//     interpreter never meets a jump out of the program or a constant
//     division by zero;
//   - `run(program, packet, wire_length)`: the interpreter (lab 5). A load
//     past the end of the packet rejects the packet, as in libpcap.
//
// Facts: chapters/appendix-facts.rst, "Classic BPF" (encoding, libpcap and Linux rules).
// Paper: §3.2 problem 4, §5. Chapter: chapters/05-packet-acquisition.rst.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace capture::bpf {

/// One instruction, laid out as `struct bpf_insn` / `struct sock_filter`.
struct Insn {
    std::uint16_t code = 0;  ///< Class | size/op | mode/source.
    std::uint8_t jt = 0;     ///< Jump offset if true.
    std::uint8_t jf = 0;     ///< Jump offset if false.
    std::uint32_t k = 0;     ///< Constant operand.
    /// Instructions compare field by field.
    friend bool operator==(const Insn&, const Insn&) = default;
};

/// A program is a list of instructions.
using Program = std::vector<Insn>;

// [capture:bpf-encoding]
/// Instruction classes (code & 0x07).
inline constexpr std::uint16_t kLd = 0x00, kLdx = 0x01, kSt = 0x02, kStx = 0x03, kAlu = 0x04,
                               kJmp = 0x05, kRet = 0x06, kMisc = 0x07;
/// Load sizes (code & 0x18).
inline constexpr std::uint16_t kW = 0x00, kH = 0x08, kB = 0x10;
/// Load modes (code & 0xe0).
inline constexpr std::uint16_t kImm = 0x00, kAbs = 0x20, kInd = 0x40, kMem = 0x60, kLen = 0x80,
                               kMsh = 0xa0;
/// ALU operations and jump tests (code & 0xf0).
inline constexpr std::uint16_t kAdd = 0x00, kSub = 0x10, kMul = 0x20, kDiv = 0x30, kOr = 0x40,
                               kAnd = 0x50, kLsh = 0x60, kRsh = 0x70, kNeg = 0x80, kMod = 0x90,
                               kXor = 0xa0;
inline constexpr std::uint16_t kJa = 0x00, kJeq = 0x10, kJgt = 0x20, kJge = 0x30, kJset = 0x40;
/// Operand source (code & 0x08): the constant k or the register X.
inline constexpr std::uint16_t kK = 0x00, kX = 0x08;
/// Return value source (code & 0x18): k (kK) or A. `RET X` (0x0e) is refused
/// by Linux's checker and by libpcap's interpreter, so by ours too.
inline constexpr std::uint16_t kRetA = 0x10;
/// MISC operations (code & 0xf8).
inline constexpr std::uint16_t kTax = 0x00, kTxa = 0x80;
/// Scratch memory words M[0..15].
inline constexpr std::uint32_t kMemWords = 16;
/// The kernel's limit on program length.
inline constexpr std::size_t kMaxInstructions = 4096;
// [/capture:bpf-encoding]

/// Build an instruction without jumps.
constexpr Insn stmt(std::uint16_t code, std::uint32_t k) { return {code, 0, 0, k}; }
/// Build a jump.
constexpr Insn jump(std::uint16_t code, std::uint32_t k, std::uint8_t jt, std::uint8_t jf) {
    return {code, jt, jf, k};
}

/// Why a program was refused, and where.
struct ValidationError {
    std::size_t index;   ///< The offending instruction (the length for whole-program errors).
    std::string reason;  ///< What is wrong with it.
};

/// Check `program` with the Linux kernel's rules: 1-4096 instructions, known
/// opcodes (no `RET X`), jumps forward and inside the program, no constant division or
/// modulo by zero, constant shifts below 32, scratch indexes below 16, no
/// ancillary loads, a return as the last instruction, and no scratch word
/// read before every path to the read has written it.
/// @return nothing when the program may run, else the first problem.
std::optional<ValidationError> validate(std::span<const Insn> program);

/// The outcome of running a program on one packet.
struct RunResult {
    std::uint32_t accept = 0;  ///< Bytes to keep; 0 rejects the packet.
    std::uint32_t executed =
        0;  ///< Instructions executed, the final RET included (for the cost model).
};

/// Run a validated `program` on `packet` (the bytes in memory) of
/// `wire_length` bytes on the wire.
/// @pre `validate(program)` returned nothing.
RunResult run(std::span<const Insn> program, std::span<const std::byte> packet,
              std::uint32_t wire_length);

/// The one-instruction program that accepts everything (`ret #262144`).
Program accept_all();

}  // namespace capture::bpf
