// SPDX-License-Identifier: MIT
// Classic BPF: the validator, with the Linux kernel's rules.
// Part of the packet acquisition part (preceding OS kernel).
#include "capture/bpf.h"

#include <vector>

namespace capture::bpf {

namespace {

// The opcodes classic BPF defines: the kernel's whitelist (chk_code_allowed).
bool known_opcode(std::uint16_t code) {
    switch (code) {
        // loads into A
        case kLd | kW | kImm:
        case kLd | kW | kAbs:
        case kLd | kH | kAbs:
        case kLd | kB | kAbs:
        case kLd | kW | kInd:
        case kLd | kH | kInd:
        case kLd | kB | kInd:
        case kLd | kW | kMem:
        case kLd | kW | kLen:
        // loads into X
        case kLdx | kW | kImm:
        case kLdx | kW | kMem:
        case kLdx | kW | kLen:
        case kLdx | kB | kMsh:
        // stores
        case kSt:
        case kStx:
        // returns
        case kRet | kK:
        case kRet | kRetA:
        // register moves
        case kMisc | kTax:
        case kMisc | kTxa:
        // jumps
        case kJmp | kJa: return true;
        default: break;
    }
    const std::uint16_t op = code & 0xf0;
    const std::uint16_t src = code & 0x08;
    if ((code & 0x07) == kAlu && (code & ~0xf8) == kAlu) {
        if (op == kNeg) return src == kK;
        return op <= kXor && op != kNeg;
    }
    if ((code & 0x07) == kJmp && (code & ~0xf8) == kJmp) {
        return op == kJeq || op == kJgt || op == kJge || op == kJset;
    }
    return false;
}

// The kernel does not clear M[] for each packet, so it refuses a program
// that could read a scratch word no path has written yet (Linux's
// check_load_and_stores): walk forward with the set of words surely written,
// and at every jump target keep only what all the jumps to it agree on.
std::optional<ValidationError> check_scratch_memory(std::span<const Insn> program) {
    const std::size_t n = program.size();
    std::vector<std::uint16_t> reaching(n, 0xffff);  // words written on every path to pc
    std::uint16_t written = 0;
    for (std::size_t pc = 0; pc < n; ++pc) {
        const Insn& i = program[pc];
        written &= reaching[pc];
        const std::uint16_t cls = i.code & 0x07;
        const auto word = static_cast<std::uint16_t>(1u << (i.k & 0x0f));
        if (cls == kSt || cls == kStx) {
            written |= word;
        } else if ((cls == kLd || cls == kLdx) && (i.code & 0xe0) == kMem && !(written & word)) {
            return ValidationError{pc, "scratch memory M[" + std::to_string(i.k) +
                                           "] may be read before it is written"};
        } else if (cls == kJmp) {
            if ((i.code & 0xf0) == kJa) {
                reaching[pc + 1 + i.k] &= written;
            } else {
                reaching[pc + 1 + i.jt] &= written;
                reaching[pc + 1 + i.jf] &= written;
            }
            written = 0xffff;  // the next instruction is reached only by the jumps above
        } else if (cls == kRet) {
            written = 0xffff;  // nor does anything fall through a return
        }
    }
    return std::nullopt;
}

}  // namespace

// [capture:bpf-validate]
std::optional<ValidationError> validate(std::span<const Insn> program) {
    const std::size_t n = program.size();
    if (n == 0) return ValidationError{0, "empty program"};
    if (n > kMaxInstructions) {
        return ValidationError{n,
                               "more than " + std::to_string(kMaxInstructions) + " instructions"};
    }
    for (std::size_t pc = 0; pc < n; ++pc) {
        const Insn& i = program[pc];
        const std::uint16_t cls = i.code & 0x07;
        if (i.code == (kRet | kX))
            return ValidationError{pc, "return of X: neither Linux nor libpcap runs it"};
        if (!known_opcode(i.code))
            return ValidationError{pc, "unknown opcode " + std::to_string(i.code)};
        if (cls == kAlu && (i.code & 0x08) == kK) {
            const std::uint16_t op = i.code & 0xf0;
            if ((op == kDiv || op == kMod) && i.k == 0)
                return ValidationError{pc, "division by constant 0"};
            if ((op == kLsh || op == kRsh) && i.k >= 32)
                return ValidationError{pc, "shift by 32 or more"};
        }
        const bool uses_memory =
            ((cls == kLd || cls == kLdx) && (i.code & 0xe0) == kMem) || cls == kSt || cls == kStx;
        if (uses_memory && i.k >= kMemWords) {
            return ValidationError{
                pc, "scratch memory index " + std::to_string(i.k) + " is not below 16"};
        }
        if (cls == kLd && ((i.code & 0xe0) == kAbs) && i.k >= 0xfffff000u) {
            return ValidationError{pc, "ancillary (Linux extension) loads are not supported"};
        }
        if (cls == kJmp) {
            // Jumps are relative to the next instruction and only go forward.
            if ((i.code & 0xf0) == kJa) {
                if (i.k >= 0x80000000u) {
                    return ValidationError{
                        pc,
                        "backward jump (a loop, as libpcap emits for protochain): the kernel's "
                        "rules allow forward jumps only"};
                }
                if (i.k >= n - pc - 1) return ValidationError{pc, "jump out of the program"};
            } else if (pc + 1 + i.jt >= n || pc + 1 + i.jf >= n) {
                return ValidationError{pc, "conditional jump out of the program"};
            }
        }
    }
    if ((program[n - 1].code & 0x07) != kRet)
        return ValidationError{n - 1, "last instruction is not a return"};
    return check_scratch_memory(program);
}
// [/capture:bpf-validate]

Program accept_all() { return {stmt(kRet | kK, 262144)}; }

}  // namespace capture::bpf
