// SPDX-License-Identifier: MIT
// Classic BPF: the interpreter, run on the packet where it lies.
// Part of the packet acquisition part (preceding OS kernel); lab 5 hands this
// file out (labs/lab05-bpf/starter/bpf_interpreter.cpp is its starter twin).
//
// Semantics are libpcap's `bpf_filter`: A, X and M[] start at 0; a load
// outside the packet rejects it (returns 0); division or modulo by X = 0
// rejects it; a shift by 32 or more gives 0; jumps are relative to the next
// instruction. The program has been validated, so every jump lands inside
// it and the last instruction returns.
//
// Paper: §3.2 problem 4, §5. Chapter: chapters/05-packet-acquisition.rst.
#include <array>

#include "capture/bpf.h"

namespace capture::bpf {

namespace {

// Read `size` bytes big-endian at `offset`, or report that it is outside.
bool load(std::span<const std::byte> packet, std::uint64_t offset, unsigned size,
          std::uint32_t& out) {
    if (offset + size > packet.size()) return false;
    std::uint32_t v = 0;
    for (unsigned i = 0; i < size; ++i)
        v = v << 8 | std::to_integer<std::uint32_t>(packet[offset + i]);
    out = v;
    return true;
}

unsigned size_of(std::uint16_t code) {
    switch (code & 0x18) {
        case kW: return 4;
        case kH: return 2;
        default: return 1;
    }
}

}  // namespace

RunResult run(std::span<const Insn> program, std::span<const std::byte> packet,
              std::uint32_t wire_length) {
    std::uint32_t a = 0, x = 0;
    std::array<std::uint32_t, kMemWords> mem{};
    RunResult result;
    for (std::size_t pc = 0; pc < program.size(); ++pc) {
        const Insn& i = program[pc];
        ++result.executed;
        switch (i.code & 0x07) {
            case kLd:
                switch (i.code & 0xe0) {
                    case kImm: a = i.k; break;
                    case kMem: a = mem[i.k]; break;
                    case kLen: a = wire_length; break;
                    case kAbs:
                        if (!load(packet, i.k, size_of(i.code), a)) return result;
                        break;
                    case kInd:
                        if (!load(packet, std::uint64_t{x} + i.k, size_of(i.code), a))
                            return result;
                        break;
                }
                break;
            case kLdx:
                switch (i.code & 0xe0) {
                    case kImm: x = i.k; break;
                    case kMem: x = mem[i.k]; break;
                    case kLen: x = wire_length; break;
                    case kMsh: {
                        std::uint32_t b;
                        if (!load(packet, i.k, 1, b)) return result;
                        x = 4 * (b & 0x0f);  // an IPv4 header length in bytes
                        break;
                    }
                }
                break;
            case kSt: mem[i.k] = a; break;
            case kStx: mem[i.k] = x; break;
            case kAlu: {
                const std::uint32_t operand = (i.code & 0x08) == kX ? x : i.k;
                switch (i.code & 0xf0) {
                    case kAdd: a += operand; break;
                    case kSub: a -= operand; break;
                    case kMul: a *= operand; break;
                    case kDiv:
                        if (operand == 0) return result;
                        a /= operand;
                        break;
                    case kMod:
                        if (operand == 0) return result;
                        a %= operand;
                        break;
                    case kOr: a |= operand; break;
                    case kAnd: a &= operand; break;
                    case kXor: a ^= operand; break;
                    case kLsh: a = operand < 32 ? a << operand : 0; break;
                    case kRsh: a = operand < 32 ? a >> operand : 0; break;
                    case kNeg: a = 0u - a; break;
                }
                break;
            }
            case kJmp: {
                const std::uint32_t operand = (i.code & 0x08) == kX ? x : i.k;
                bool taken = false;
                switch (i.code & 0xf0) {
                    case kJa: pc += i.k; continue;
                    case kJeq: taken = a == operand; break;
                    case kJgt: taken = a > operand; break;
                    case kJge: taken = a >= operand; break;
                    case kJset: taken = (a & operand) != 0; break;
                }
                pc += taken ? i.jt : i.jf;
                break;
            }
            case kRet:
                // The validator lets only RET k and RET A through.
                result.accept = (i.code & 0x18) == kRetA ? a : i.k;
                return result;
            case kMisc:
                if ((i.code & 0xf8) == kTax) {
                    x = a;
                } else {
                    a = x;
                }
                break;
        }
    }
    return result;  // unreachable for a validated program
}

}  // namespace capture::bpf
