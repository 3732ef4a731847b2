// SPDX-License-Identifier: MIT
// Chapter 3 tests: the co-existing OS's 3c905x driver on the original machine.
#include <gtest/gtest.h>

#include <algorithm>

#include "driver_bench.h"
#include "twinos/machine/costs.h"

namespace twinos::test {
namespace {

using namespace twinos::machine::el3;

TEST(Driver3c905x, OpenBuildsACircularRingOf32UpdsWith1536ByteBuffers) {
    DriverBench b;
    PhysicalMemory& mem = b.machine().memory();
    const Partition& mine = b.machine().partition(OsId::Coexisting);
    std::vector<std::uint32_t> buffers;
    for (int i = 0; i < os::Driver3c905x::kRxRingSize; ++i) {
        const PhysAddr upd = b.driver().upd_address(i);
        const PhysAddr next = b.driver().upd_address((i + 1) % os::Driver3c905x::kRxRingSize);
        EXPECT_EQ(mem.read32(upd + kUpdNext), next.value()) << i;
        EXPECT_EQ(mem.read32(upd + kUpdStatus), 0u) << i;
        EXPECT_EQ(mem.read32(upd + kUpdFragLength), 1536u | kLastFrag) << i;
        const std::uint32_t addr = mem.read32(upd + kUpdFragAddr);
        EXPECT_EQ(addr % 4, 2u) << "NET_IP_ALIGN: 2 bytes reserved";
        EXPECT_TRUE(mine.contains_range(PhysAddr{addr}, 1536)) << i;
        buffers.push_back(addr);
    }
    std::sort(buffers.begin(), buffers.end());
    EXPECT_EQ(std::adjacent_find(buffers.begin(), buffers.end()), buffers.end()) << "shared buffer";
    EXPECT_EQ(b.nic().up_list_ptr(), b.driver().upd_address(0));
    EXPECT_EQ(b.driver().upd_address(0) + 32 * 16, b.driver().dpd_address(0));
}

TEST(Driver3c905x, OpenProgramsTheEepromAddressAndTheFilter) {
    DriverBench b;
    EXPECT_EQ(b.nic().station_address(), b.nic().burned_in_address());
    EXPECT_EQ(b.mac(), b.nic().burned_in_address());
    EXPECT_EQ(b.nic().rx_filter(), RxStation | RxBroadcast);
    os::DriverOptions promiscuous;
    promiscuous.promiscuous = true;
    DriverBench p(promiscuous);
    EXPECT_EQ(p.nic().rx_filter(), RxStation | RxBroadcast | RxMulticast | RxProm);
}

TEST(Driver3c905x, OneReceiveInterruptWithOnePacketIssuesFiveIo) {
    DriverBench b;
    const auto frame = to_me(b, 600, 1);
    b.send_in(microseconds(10), frame);
    b.run_for(milliseconds(1));
    ASSERT_EQ(b.received.size(), 1u);
    EXPECT_EQ(b.received[0], frame);
    EXPECT_EQ(b.driver().stats().interrupts, 1u);
    // Paper §4: inw status, AckIntr|UpComplete, UpUnstall, AckIntr|IntLatch, inw status.
    EXPECT_EQ(b.driver().stats().io_in_last_interrupt, 5u);
}

TEST(Driver3c905x, AnInterruptCarryingNPacketsIssuesFourPlusNIo) {
    DriverBench b;
    // Four frames arrive at the same instant, before the handler can run.
    for (int i = 0; i < 4; ++i)
        b.send_in(microseconds(10), to_me(b, 100 + i, static_cast<std::uint8_t>(i)));
    b.run_for(milliseconds(1));
    ASSERT_EQ(b.received.size(), 4u);
    EXPECT_EQ(b.driver().stats().interrupts, 1u);
    EXPECT_EQ(b.driver().stats().io_in_last_interrupt, 8u);
}

TEST(Driver3c905x, RingWrapsAroundTenThousandPacketsInOrderByteForByte) {
    DriverBench b;
    std::vector<std::vector<std::byte>> sent;
    for (int i = 0; i < 10'000; ++i) {
        sent.push_back(to_me(b, 60 + (i * 37) % 1455, static_cast<std::uint8_t>(i)));
        b.send_in(microseconds(20) * (i + 1), sent.back());
    }
    b.run_for(milliseconds(250));
    ASSERT_EQ(b.received.size(), sent.size());
    for (std::size_t i = 0; i < sent.size(); ++i)
        ASSERT_EQ(b.received[i], sent[i]) << "packet " << i;
    EXPECT_EQ(b.driver().stats().rx_packets, 10'000u);
    EXPECT_EQ(b.nic().counters().rx_overruns, 0u);
}

TEST(Driver3c905x, LargePacketsGetAFreshBufferSmallOnesAreCopied) {
    DriverBench b;
    PhysicalMemory& mem = b.machine().memory();
    const std::uint32_t addr0 = mem.read32(b.driver().upd_address(0) + kUpdFragAddr);
    const std::uint32_t addr1 = mem.read32(b.driver().upd_address(1) + kUpdFragAddr);
    b.send_in(microseconds(10), to_me(b, 1000, 1));  // >= copybreak: UPD 0 gets a new buffer
    b.send_in(microseconds(100), to_me(b, 100, 2));  // < copybreak: UPD 1 keeps its buffer
    b.run_for(milliseconds(1));
    ASSERT_EQ(b.received.size(), 2u);
    EXPECT_NE(mem.read32(b.driver().upd_address(0) + kUpdFragAddr), addr0);
    EXPECT_EQ(mem.read32(b.driver().upd_address(1) + kUpdFragAddr), addr1);
    EXPECT_EQ(b.driver().stats().rx_copied, 1u);
    EXPECT_EQ(mem.read32(b.driver().upd_address(0) + kUpdStatus), 0u) << "UPD given back";
}

// The copybreak is a strict bound ("shorter than"): a frame of exactly
// rx_copybreak bytes gets a fresh buffer, one byte less is copied.
TEST(Driver3c905x, TheCopybreakCopiesOnlyFramesShorterThanIt) {
    DriverBench b;
    PhysicalMemory& mem = b.machine().memory();
    const std::uint32_t copybreak = os::DriverOptions{}.rx_copybreak;
    std::vector<std::uint32_t> before;
    for (int i = 0; i < 3; ++i)
        before.push_back(mem.read32(b.driver().upd_address(i) + kUpdFragAddr));
    b.send_in(microseconds(10), to_me(b, copybreak - 1, 1));
    b.send_in(microseconds(100), to_me(b, copybreak, 2));
    b.send_in(microseconds(200), to_me(b, copybreak + 1, 3));
    b.run_for(milliseconds(1));
    ASSERT_EQ(b.received.size(), 3u);
    EXPECT_EQ(b.driver().stats().rx_copied, 1u) << "only the frame shorter than the copybreak";
    EXPECT_EQ(mem.read32(b.driver().upd_address(0) + kUpdFragAddr), before[0]) << "copied";
    EXPECT_NE(mem.read32(b.driver().upd_address(1) + kUpdFragAddr), before[1]) << "exactly 200";
    EXPECT_NE(mem.read32(b.driver().upd_address(2) + kUpdFragAddr), before[2]);
}

// The handler charges (C) from what receive() returns: the per-interrupt
// entry once, the per-packet part for every UPD consumed (Table 1's 4.13 us
// for one packet). A receive() that did the work but returned 0 would make
// (C) vanish from the model.
TEST(Driver3c905x, AnInterruptCostsItsEntryPlusThePerPacketPartForEveryUpd) {
    for (const int n : {1, 5}) {
        DriverBench b;
        b.run_for(milliseconds(1));
        const CpuStats before = b.machine().cpu().stats(b.machine().clock().now());
        for (int i = 0; i < n; ++i)
            b.send_in(microseconds(10), to_me(b, 300, static_cast<std::uint8_t>(i)));
        b.run_for(milliseconds(1));
        ASSERT_EQ(b.received.size(), std::size_t(n));
        ASSERT_EQ(b.driver().stats().interrupts, 1u) << "all " << n << " in one interrupt";
        const CpuStats after = b.machine().cpu().stats(b.machine().clock().now());
        EXPECT_EQ(after.busy[1] - before.busy[1],
                  costs::kDriverInterruptEntry + costs::kDriverPerPacket * n)
            << n << " packets";
    }
}

// One receive() call consumes at most the ring's 32 UPDs, even when the card
// refills the first ones (from its FIFO, at the UpUnstall that gave them
// back) before the walk gets round to them: the handler's own loop takes the
// rest, after acknowledging and reading the status again. 40 small frames
// at once: 32 fill the ring, the FIFO holds a few more, the rest overrun.
TEST(Driver3c905x, OneReceiveCallTakesAtMostTheRingsThirtyTwoUpds) {
    DriverBench b;
    for (int i = 0; i < 40; ++i)
        b.send_in(microseconds(10), to_me(b, 300, static_cast<std::uint8_t>(i)));
    b.run_for(milliseconds(2));
    ASSERT_GT(b.received.size(), 32u) << "the card refilled UPDs from its FIFO";
    EXPECT_EQ(b.received.size() + b.nic().counters().rx_overruns, 40u);
    EXPECT_EQ(b.driver().stats().interrupts, 1u);
    EXPECT_EQ(b.driver().stats().rx_most_in_one_call, 32u);
}

TEST(Driver3c905x, OverrunWhenTheDriverFallsBehindThenRecovers) {
    DriverBench b;
    // 100 frames of 1000 bytes at one instant: 32 fit the ring, two the FIFO.
    for (int i = 0; i < 100; ++i)
        b.send_in(microseconds(10), to_me(b, 1000, static_cast<std::uint8_t>(i)));
    b.run_for(milliseconds(2));
    EXPECT_EQ(b.received.size(), 34u);
    EXPECT_EQ(b.nic().counters().rx_overruns, 66u);
    b.driver().update_stats();
    EXPECT_EQ(b.driver().stats().rx_fifo_errors, 66u);
    // Afterwards traffic flows again.
    const auto later = to_me(b, 700, 9);
    b.send_in(microseconds(10), later);
    b.run_for(milliseconds(1));
    ASSERT_EQ(b.received.size(), 35u);
    EXPECT_EQ(b.received.back(), later);
}

TEST(Driver3c905x, AFrameTooLongForItsBufferIsCountedAndItsUpdGivenBack) {
    DriverBench b;
    b.send_in(microseconds(10), to_me(b, 2000, 1));
    const auto next = to_me(b, 300, 2);
    b.send_in(microseconds(100), next);
    b.run_for(milliseconds(1));
    ASSERT_EQ(b.received.size(), 1u);
    EXPECT_EQ(b.received[0], next);
    EXPECT_EQ(b.driver().stats().rx_errors, 1u);
    EXPECT_EQ(b.driver().stats().rx_length_errors, 1u);
    EXPECT_EQ(b.machine().memory().read32(b.driver().upd_address(0) + kUpdStatus), 0u);
}

TEST(Driver3c905x, TransmitReachesTheWireByteForByteAndIsReclaimed) {
    DriverBench b;
    expect_transmit_reaches_the_wire_and_is_reclaimed(b);
}

TEST(Driver3c905x, FramesForOtherStationsAreFilteredUnlessPromiscuous) {
    DriverBench b;
    const std::array<std::uint8_t, 6> other = {0x02, 9, 9, 9, 9, 9};
    b.send_in(microseconds(10), test_frame(100, 1, other));
    b.run_for(milliseconds(1));
    EXPECT_TRUE(b.received.empty());
    EXPECT_EQ(b.nic().counters().rx_filtered, 1u);
    b.driver().set_promiscuous(true);
    b.send_in(microseconds(10), test_frame(100, 1, other));
    b.run_for(milliseconds(1));
    EXPECT_EQ(b.received.size(), 1u);
}

}  // namespace
}  // namespace twinos::test
