// SPDX-License-Identifier: MIT
// Chapter 4 tests: a hostile co-existing OS programs the card by hand, and
// every attempt to make it touch the preceding OS's memory is refused.
#include <gtest/gtest.h>

#include "pseudo_bench.h"

namespace twinos::test {
namespace {

using namespace twinos::machine::el3;
using pseudonic::SecurityCause;

// A "driver" of the co-existing OS that writes descriptors and registers
// directly -- the test double for a compromised co-existing kernel.
class HostileBench : public PseudoBench {
public:
    HostileBench() : io_(machine().ports(), OsId::Coexisting) {
        boundary = static_cast<std::uint32_t>(machine().partition(OsId::Preceding).base.value());
        memory_end = static_cast<std::uint32_t>(machine().config().memory_bytes);
        // The monitor's future log: a canary region in the preceding OS.
        canary_at = PhysAddr{boundary + 0x400000};
        std::vector<std::byte> canary(64 * 1024, std::byte{0xc5});
        machine().memory().write(canary_at, canary);
    }

    PhysicalMemory& mem() { return machine().memory(); }
    void upd(std::uint32_t at, std::uint32_t next, std::uint32_t buffer, std::uint32_t length) {
        mem().write32(PhysAddr{at + kUpdNext}, next);
        mem().write32(PhysAddr{at + kUpdStatus}, 0);
        mem().write32(PhysAddr{at + kUpdFragAddr}, buffer);
        mem().write32(PhysAddr{at + kUpdFragLength}, length | kLastFrag);
    }
    void up_list_ptr(std::uint32_t v) { io_.out32(Port{0xe000 + kUpListPtr}, v); }
    void down_list_ptr(std::uint32_t v) { io_.out32(Port{0xe000 + kDownListPtr}, v); }
    void command(std::uint16_t w) { io_.out16(Port{0xe000 + kCommand}, w); }
    std::uint16_t status() { return io_.in16(Port{0xe000 + kStatus}); }

    /// The preceding OS's whole partition, except the pseudo NIC's own
    /// shadow lists (which legitimately change as frames arrive).
    std::uint64_t preceding_hash() {
        const Partition& p = machine().partition(OsId::Preceding);
        const auto& shadows = pseudo().shadow_storage();
        return hash_memory(mem(), p.base, p.end(), shadows.pa, shadows.pa + shadows.bytes);
    }
    /// Flood the card with frames for a while.
    void flood(int n) {
        for (int i = 0; i < n; ++i)
            send_in(microseconds(30) * (i + 1), test_frame(1400, static_cast<std::uint8_t>(i)));
        run_for(milliseconds(10));
    }

    std::uint32_t boundary = 0;
    std::uint32_t memory_end = 0;
    PhysAddr canary_at;

private:
    PortIo io_;
};

// The refused cases of UpListPtr: (what the hostile list looks like, expected cause).
struct UpCase {
    const char* name;
    std::function<std::uint32_t(HostileBench&)> build;  // returns the head to write
    SecurityCause cause;
};

const UpCase kUpCases[] = {
    {"head in the preceding OS", [](HostileBench& b) { return b.canary_at.value(); },
     SecurityCause::IntoPrecedingOs},
    {"fragment in the preceding OS",
     [](HostileBench& b) {
         b.upd(0x300000, 0x300000, static_cast<std::uint32_t>(b.canary_at.value()), 1536);
         return 0x300000u;
     },
     SecurityCause::IntoPrecedingOs},
    {"fragment straddling the boundary",
     [](HostileBench& b) {
         b.upd(0x300000, 0x300000, b.boundary - 100, 1536);
         return 0x300000u;
     },
     SecurityCause::StraddlesBoundary},
    {"fragment past the end of memory",
     [](HostileBench& b) {
         b.upd(0x300000, 0x300000, b.memory_end + 0x1000, 1536);
         return 0x300000u;
     },
     SecurityCause::PastEndOfMemory},
    {"fragment wrapping past 2^32",
     [](HostileBench& b) {
         b.upd(0x300000, 0x300000, 0xfffffc00u, 1536);
         return 0x300000u;
     },
     SecurityCause::AddressWraps},
    {"next pointer into the preceding OS",
     [](HostileBench& b) {
         b.upd(0x300000, static_cast<std::uint32_t>(b.canary_at.value()), 0x310000, 1536);
         return 0x300000u;
     },
     SecurityCause::IntoPrecedingOs},
    {"UPD straddling the boundary", [](HostileBench& b) { return b.boundary - 8; },
     SecurityCause::StraddlesBoundary},
    {"chain looping into its middle",
     [](HostileBench& b) {
         b.upd(0x300000, 0x300010, 0x310000, 1536);
         b.upd(0x300010, 0x300020, 0x311000, 1536);
         b.upd(0x300020, 0x300010, 0x312000, 1536);  // back to the second, not the head
         return 0x300000u;
     },
     SecurityCause::ChainLoops},
    {"misaligned UPD",
     [](HostileBench& b) {
         b.upd(0x300004, 0x300004, 0x310000, 1536);
         return 0x300004u;
     },
     SecurityCause::Misaligned},
};

TEST(HostileDriver, EveryConfinementBreachOfTheUploadListIsRefused) {
    for (const UpCase& c : kUpCases) {
        SCOPED_TRACE(c.name);
        HostileBench b;
        const std::uint64_t before = b.preceding_hash();
        const std::uint64_t events = b.pseudo().security().total();
        b.up_list_ptr(c.build(b));
        EXPECT_EQ(b.pseudo().security().total(), events + 1);
        EXPECT_EQ(b.pseudo().security().count(c.cause), 1u);
        EXPECT_EQ(b.nic().up_list_ptr(), PhysAddr{0}) << "the card got no list at all";
        EXPECT_TRUE(b.status() & HostError) << "the driver sees the chip's error";
        b.flood(50);
        EXPECT_EQ(b.preceding_hash(), before) << "the preceding OS's memory changed";
        EXPECT_EQ(b.nic().counters().host_errors, 0u) << "the card never tried";
    }
}

TEST(HostileDriver, SwappingInABadBufferWhenGivingAUpdBackIsRefused) {
    HostileBench b;
    const std::uint64_t before = b.preceding_hash();
    // A valid two-entry ring; one frame lands in entry 0.
    b.upd(0x300000, 0x300010, 0x310000, 1536);
    b.upd(0x300010, 0x300000, 0x311000, 1536);
    b.up_list_ptr(0x300000);
    ASSERT_EQ(b.pseudo().security().total(), 0u);
    b.send_in(microseconds(10), test_frame(500, 1));
    b.run_for(microseconds(200));
    ASSERT_TRUE(b.mem().read32(PhysAddr{0x300000 + kUpdStatus}) & kUpdComplete);
    // Now point entry 0 at the monitor's log, give it back and unstall.
    b.upd(0x300000, 0x300010, static_cast<std::uint32_t>(b.canary_at.value()), 1536);
    b.command(UpUnstall);
    EXPECT_EQ(b.pseudo().security().count(SecurityCause::IntoPrecedingOs), 1u);
    b.flood(50);
    EXPECT_EQ(b.preceding_hash(), before);
    EXPECT_GT(b.nic().counters().rx_overruns, 0u) << "the card stalls at the disarmed shadow";
}

// Re-arming skips the check for a one-fragment UPD that still names the
// fragment it was last armed with. After such a quiet round, any change
// must take the full path again: a new buffer, or the same buffer grown
// past the boundary.
TEST(HostileDriver, AfterAQuietRoundABadBufferOrLengthIsStillRefused) {
    for (const bool grow : {false, true}) {
        HostileBench b;
        const std::uint64_t before = b.preceding_hash();
        const std::uint32_t buffer = b.boundary - 0x1000;  // the last page of the partition
        b.upd(0x300000, 0x300000, buffer, 1536);           // one UPD, looped on itself
        b.up_list_ptr(0x300000);
        for (int round = 0; round < 3; ++round) {  // frames in, UPD given back unchanged
            b.send_in(microseconds(10), test_frame(500, static_cast<std::uint8_t>(round)));
            b.run_for(microseconds(200));
            ASSERT_TRUE(b.mem().read32(PhysAddr{0x300000 + kUpdStatus}) & kUpdComplete) << round;
            b.upd(0x300000, 0x300000, buffer, 1536);
            b.command(UpUnstall);
        }
        ASSERT_EQ(b.pseudo().security().total(), 0u);
        // The last frame lands; then the hostile give-back.
        b.send_in(microseconds(10), test_frame(500, 9));
        b.run_for(microseconds(200));
        if (grow) {
            b.upd(0x300000, 0x300000, buffer, 0x1000 + 64);  // 64 bytes into the preceding OS
        } else {
            b.upd(0x300000, 0x300000, static_cast<std::uint32_t>(b.canary_at.value()), 1536);
        }
        b.command(UpUnstall);
        EXPECT_EQ(b.pseudo().security().total(), 1u) << (grow ? "grown" : "swapped");
        b.flood(50);
        EXPECT_EQ(b.preceding_hash(), before) << (grow ? "grown" : "swapped");
    }
}

TEST(HostileDriver, TransmittingThePrecedingOsMemoryIsRefused) {
    HostileBench b;
    // A DPD whose fragment is the monitor's log: it must never reach the wire.
    const std::uint32_t dpd = 0x320000;
    b.mem().write32(PhysAddr{dpd + kDpdNext}, 0);
    b.mem().write32(PhysAddr{dpd + kDpdHeader}, 1500 | kDpdTxIntrUploaded);
    b.mem().write32(PhysAddr{dpd + kDpdFragAddr}, static_cast<std::uint32_t>(b.canary_at.value()));
    b.mem().write32(PhysAddr{dpd + kDpdFragLength}, 1500 | kLastFrag);
    const std::uint64_t host_errors = b.driver().stats().host_errors;
    b.down_list_ptr(dpd);
    EXPECT_TRUE(b.status() & HostError);
    b.run_for(milliseconds(1));
    EXPECT_TRUE(b.sent.kept().empty());
    EXPECT_EQ(b.pseudo().security().count(SecurityCause::IntoPrecedingOs), 1u);
    // The unchanged driver took the virtual interrupt and counted the error.
    EXPECT_EQ(b.driver().stats().host_errors, host_errors + 1);
}

TEST(HostileDriver, LinkingABadDpdBehindTheCardsBackIsRefusedAtDownUnstall) {
    HostileBench b;
    const std::uint32_t good = 0x320000, bad = 0x320010;
    b.mem().write(PhysAddr{0x330000}, test_frame(200, 1));
    b.mem().write32(PhysAddr{good + kDpdNext}, 0);
    b.mem().write32(PhysAddr{good + kDpdHeader}, 200);
    b.mem().write32(PhysAddr{good + kDpdFragAddr}, 0x330000);
    b.mem().write32(PhysAddr{good + kDpdFragLength}, 200 | kLastFrag);
    b.command(DownStall);
    b.down_list_ptr(good);  // accepted, but the engine is stalled
    // Link a DPD that sends the preceding OS's memory, then let the card go.
    b.mem().write32(PhysAddr{bad + kDpdNext}, 0);
    b.mem().write32(PhysAddr{bad + kDpdHeader}, 1500);
    b.mem().write32(PhysAddr{bad + kDpdFragAddr}, static_cast<std::uint32_t>(b.canary_at.value()));
    b.mem().write32(PhysAddr{bad + kDpdFragLength}, 1500 | kLastFrag);
    b.mem().write32(PhysAddr{good + kDpdNext}, bad);
    b.command(DownUnstall);
    b.run_for(milliseconds(1));
    EXPECT_EQ(b.pseudo().security().count(SecurityCause::IntoPrecedingOs), 1u);
    ASSERT_EQ(b.sent.kept().size(), 1u) << "only the good frame left";
    EXPECT_EQ(b.sent.kept()[0].bytes, test_frame(200, 1));
}

// What the monitor is shown for a transmitted frame is what the card sends,
// even if the guest rewrites its buffer between queueing the DPD and the
// card reading it: the pseudo NIC sends its own copy. Two ways in: the card
// idle (it reads at the next event), and the engine stalled with the chain
// re-shadowed at DownUnstall after the rewrite.
TEST(HostileDriver, RewritingAQueuedBufferCannotMakeTheLogDifferFromTheWire) {
    for (bool stalled : {false, true}) {
        SCOPED_TRACE(stalled ? "engine stalled, re-shadowed at DownUnstall" : "card idle");
        HostileBench b;
        std::vector<std::vector<std::byte>> logged;
        b.pseudo().set_transmit_observer(
            [&](std::span<const std::pair<std::uint32_t, std::uint32_t>> f, std::int64_t) {
                std::vector<std::byte> frame;
                for (auto [addr, len] : f) {
                    auto bytes = b.mem().span(PhysAddr{addr}, len);
                    frame.insert(frame.end(), bytes.begin(), bytes.end());
                }
                logged.push_back(std::move(frame));
            });
        const std::uint32_t dpd = 0x320000, buffer = 0x330000;
        const std::vector<std::byte> said(200, std::byte{'A'}), rewritten(200, std::byte{'S'});
        b.mem().write(PhysAddr{buffer}, said);
        b.mem().write32(PhysAddr{dpd + kDpdNext}, 0);
        b.mem().write32(PhysAddr{dpd + kDpdHeader}, 200);
        b.mem().write32(PhysAddr{dpd + kDpdFragAddr}, buffer);
        b.mem().write32(PhysAddr{dpd + kDpdFragLength}, 200 | kLastFrag);
        if (stalled) b.command(DownStall);
        b.down_list_ptr(dpd);
        b.mem().write(PhysAddr{buffer}, rewritten);  // before the card reads it
        if (stalled) b.command(DownUnstall);         // re-shadows the chain
        b.run_for(milliseconds(1));
        ASSERT_EQ(b.sent.kept().size(), 1u);
        ASSERT_EQ(logged.size(), 1u) << "shown once, not again at the re-shadow";
        EXPECT_EQ(logged[0], b.sent.kept()[0].bytes) << "the log and the wire differ";
        EXPECT_EQ(b.sent.kept()[0].bytes, said) << "the card sent the copy made when it was queued";
        EXPECT_EQ(b.pseudo().transmit_logged_unsent(), 0u);
    }
}

TEST(HostileDriver, AFrameLongerThanThePseudoNicsCopyIsRefused) {
    HostileBench b;
    const std::uint32_t dpd = 0x320000;
    b.mem().write32(PhysAddr{dpd + kDpdNext}, 0);
    b.mem().write32(PhysAddr{dpd + kDpdHeader}, 0);
    b.mem().write32(PhysAddr{dpd + kDpdFragAddr}, 0x330000);
    b.mem().write32(PhysAddr{dpd + kDpdFragLength}, 4000);
    b.mem().write32(PhysAddr{dpd + kDpdFragAddr + 8}, 0x340000);
    b.mem().write32(PhysAddr{dpd + kDpdFragLength + 8}, 4000 | kLastFrag);
    b.down_list_ptr(dpd);
    b.run_for(milliseconds(1));
    EXPECT_EQ(b.pseudo().security().count(SecurityCause::FrameTooLong), 1u);
    EXPECT_TRUE(b.sent.kept().empty());
}

TEST(HostileDriver, ALoopingDpdChainIsRefused) {
    HostileBench b;
    const std::uint32_t a = 0x320000, c = 0x320010;
    for (auto [at, next] : {std::pair{a, c}, std::pair{c, a}}) {
        b.mem().write32(PhysAddr{at + kDpdNext}, next);
        b.mem().write32(PhysAddr{at + kDpdHeader}, 100);
        b.mem().write32(PhysAddr{at + kDpdFragAddr}, 0x330000);
        b.mem().write32(PhysAddr{at + kDpdFragLength}, 100 | kLastFrag);
    }
    b.down_list_ptr(a);
    b.run_for(milliseconds(1));
    EXPECT_EQ(b.pseudo().security().count(SecurityCause::ChainLoops), 1u);
    EXPECT_TRUE(b.sent.kept().empty());
}

}  // namespace
}  // namespace twinos::test
