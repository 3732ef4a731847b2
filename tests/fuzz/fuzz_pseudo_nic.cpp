// SPDX-License-Identifier: MIT
// Fuzz target: a hostile co-existing OS driving the card through the pseudo
// NIC. Each input is a fresh machine and a program of operations -- write a
// word of guest memory, write a card register, issue a command, a frame
// arrives, time passes. After every input:
//   - nothing escaped as a bus error or an exception;
//   - the preceding OS's memory (less the pseudo NIC's own shadows) is byte
//     for byte what it was -- it holds a canary where the monitor's log
//     would be;
//   - every shadow descriptor the card can reach names only guest memory;
//   - the canary never went out on the wire.
// Built a second time against a deliberately weakened confinement check
// (TWINOS_FUZZ_WEAK_CONFINEMENT), it must find a breach: the self-test that
// these invariants can fail.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "../ch04_pseudo_nic/pseudo_bench.h"

namespace {

using namespace twinos;
using namespace twinos::machine;
using namespace twinos::machine::el3;

[[noreturn]] void breach(const char* what) {
    std::fprintf(stderr, "confinement breached: %s\n", what);
    std::abort();
}

constexpr std::uint8_t kCanaryByte = 0xc5;

// Walk a descriptor list from `head` as the card would (at most 64, stopping
// at 0 or a repeat): every descriptor must be one of the pseudo NIC's own
// shadows, and every fragment in the guest -- or, for transmit, in the
// pseudo NIC's own copy buffers, which are part of its shadow storage.
void check_reachable(PhysicalMemory& mem, std::uint32_t head, const Partition& guest, PhysAddr own,
                     std::uint64_t own_bytes, bool transmit) {
    auto in_own = [&](std::uint64_t a, std::uint64_t n) {
        return a >= own.value() && a + n <= own.value() + own_bytes;
    };
    std::uint32_t at = head;
    for (int seen = 0; at != 0 && seen < 64; ++seen) {
        if (!in_own(at, 16)) breach("the card can reach a descriptor that is not a shadow");
        for (int f = 0; f < 63; ++f) {
            const std::uint32_t addr = mem.read32(PhysAddr{at + 8 + 8u * f});
            const std::uint32_t word = mem.read32(PhysAddr{at + 12 + 8u * f});
            const std::uint32_t n = word & kFragLengthMask;
            const bool inside = guest.contains(PhysAddr{addr}) &&
                                (n == 0 || guest.contains(PhysAddr{addr + n - 1}));
            if (!inside && !(transmit && in_own(addr, n))) {
                std::fprintf(stderr, "descriptor %#x fragment %d: %#x+%u\n", at, f, addr, n);
                breach("a reachable shadow names memory outside the guest");
            }
            if (word & kLastFrag) break;
        }
        const std::uint32_t next = mem.read32(PhysAddr{at});
        if (next == head) break;
        at = next;
    }
}

struct Reader {
    const std::uint8_t* at;
    const std::uint8_t* end;
    bool more() const { return at < end; }
    std::uint32_t u8() { return at < end ? *at++ : 0; }
    std::uint32_t u32() { return u8() | u8() << 8 | u8() << 16 | u8() << 24; }
};

}  // namespace

#ifdef TWINOS_FUZZ_WEAK_CONFINEMENT
extern "C" int LLVMFuzzerInitialize(int*, char***) {
    pseudonic::fuzz_selftest_weaken_confinement = true;
    return 0;
}
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 2048) return 0;
    // A small machine: every input boots a fresh one, and most of the cost of
    // an input is the memory the kernel has to hand out.
    test::PseudoBench b({}, 8ull << 20);
    Machine& m = b.machine();
    PhysicalMemory& mem = m.memory();
    const Partition& pre = m.partition(OsId::Preceding);
    const auto boundary = static_cast<std::uint32_t>(pre.base.value());
    const PhysAddr canary{boundary + 0x300000};  // free memory of the preceding OS
    mem.write(canary, std::vector<std::byte>(64 * 1024, std::byte{kCanaryByte}));
    const auto& shadows = b.pseudo().shadow_storage();
    if (canary.value() < shadows.pa.value() + shadows.bytes &&
        shadows.pa.value() < canary.value() + 0x10000)
        std::fprintf(stderr, "harness error: the canary overlaps the pseudo NIC's shadows\n"),
            std::abort();
    // The preceding OS's memory as it was, in two pieces around the shadows
    // (compared with memcmp afterwards: a byte-wise hash of 16 MiB per input
    // would make this harness a hundred times slower).
    const auto piece = [&](PhysAddr from, PhysAddr to) {
        return mem.span(from, to.value() - from.value());
    };
    const auto below = piece(pre.base, shadows.pa),
               above = piece(shadows.pa + shadows.bytes, pre.end());
    const std::vector<std::byte> below_was(below.begin(), below.end()),
        above_was(above.begin(), above.end());
    PortIo io(m.ports(), OsId::Coexisting);
    Reader in{data, data + size};
    // Addresses the program names: guest memory mostly, and now and then the
    // canary, the boundary or the end of memory.
    auto address = [&](std::uint32_t raw) -> std::uint32_t {
        switch (raw & 3) {
            case 0: return static_cast<std::uint32_t>(canary.value()) + (raw >> 2 & 0xfff);
            case 1: return boundary - (raw >> 2 & 0xff);
            case 2: return (raw >> 3) | (raw & 4 ? kLastFrag : 0);  // any value, exactly
            default: return 0x300000 + (raw >> 2 & 0xfff8);
        }
    };
    // The guest's port I/O happens while the guest runs, as on the real
    // machine: time passes until the co-existing OS holds the CPU.
    auto as_guest = [&] {
        for (int i = 0; i < 1000 && m.cpu().running() != OsId::Coexisting; ++i)
            b.run_for(microseconds(50));
    };
    try {
        while (in.more()) {
            switch (in.u8() % 6) {
                case 0: {  // write a guest word (only guest memory: it is the guest writing)
                    const std::uint32_t at = 0x300000 + (in.u32() & 0xfffc);
                    mem.write32(PhysAddr{at}, address(in.u32()));
                    break;
                }
                case 1:
                    as_guest();
                    io.out32(Port{0xe000 + kUpListPtr}, address(in.u32()));
                    break;
                case 2:
                    as_guest();
                    io.out32(Port{0xe000 + kDownListPtr}, address(in.u32()));
                    break;
                case 3:
                    as_guest();
                    io.out16(Port{0xe000 + kCommand}, static_cast<std::uint16_t>(in.u32()));
                    break;
                case 4:
                    b.send_in(
                        microseconds(1 + in.u8()),
                        test::test_frame(60 + in.u8() * 5, static_cast<std::uint8_t>(in.u8())));
                    break;
                default: b.run_for(microseconds(10 * (1 + in.u8()))); break;
            }
        }
        b.run_for(milliseconds(2));
    } catch (const BusError&) {
        breach(
            "a bus error escaped: the card or the pseudo NIC touched memory outside any partition");
    }
    if (std::memcmp(below.data(), below_was.data(), below.size()) != 0 ||
        std::memcmp(above.data(), above_was.data(), above.size()) != 0)
        breach("the preceding OS's memory changed");
    for (const auto& frame : b.sent.kept()) {
        int run = 0;
        for (std::byte x : frame.bytes) {
            run = std::to_integer<std::uint8_t>(x) == kCanaryByte ? run + 1 : 0;
            if (run >= 32) breach("the canary went out on the wire");
        }
    }
    const Partition& guest = m.partition(OsId::Coexisting);
    check_reachable(mem, static_cast<std::uint32_t>(b.nic().up_list_ptr().value()), guest,
                    shadows.pa, shadows.bytes, false);
    check_reachable(mem, static_cast<std::uint32_t>(b.nic().down_list_ptr().value()), guest,
                    shadows.pa, shadows.bytes, true);
    return 0;
}
