// SPDX-License-Identifier: MIT
// Chapter 3 tests: the upload engine -- UPDs, DMA bounds, stalls, overruns, filter.
#include <gtest/gtest.h>

#include <algorithm>

#include "nic_bench.h"

namespace twinos::test {
namespace {

using namespace twinos::machine::el3;

constexpr PhysAddr kRing{0x10000};
constexpr PhysAddr kBuffers{0x20000};

std::vector<std::byte> bytes_at(PhysicalMemory& mem, PhysAddr at, std::size_t n) {
    std::vector<std::byte> out(n);
    mem.read(at, out);
    return out;
}

TEST(UploadEngine, CompletedUpdMatchesTheByteLevelGolden) {
    NicBench b;
    b.build_upd_ring(kRing, 4, kBuffers, 1536);
    b.start_receiver(kRing);
    b.arrive(test_frame(60, 7));
    // UPD 0, byte for byte: next, status = 60 | upComplete, addr, 1536 | lastFrag.
    const std::vector<std::uint8_t> golden = {
        0x10, 0x00, 0x01, 0x00,  // next: 0x00010010
        0x3c, 0x80, 0x00, 0x00,  // status: 0x0000803c
        0x00, 0x00, 0x02, 0x00,  // fragment address: 0x00020000
        0x00, 0x06, 0x00, 0x80,  // fragment length: 0x80000600
    };
    auto upd = bytes_at(b.memory(), kRing, 16);
    for (std::size_t i = 0; i < golden.size(); ++i) {
        EXPECT_EQ(std::to_integer<std::uint8_t>(upd[i]), golden[i]) << "UPD byte " << i;
    }
    EXPECT_EQ(bytes_at(b.memory(), kBuffers, 60), test_frame(60, 7));
    EXPECT_EQ(b.nic().up_list_ptr(), kRing + 16);  // on to the next UPD
    EXPECT_TRUE(b.in16(kStatus) & UpComplete);
    EXPECT_EQ(b.in32(kUpPktStatus) & 0xffff, 0x803cu);
}

TEST(UploadEngine, NeverWritesPastTheFragmentLength) {
    NicBench b;
    b.build_upd_ring(kRing, 4, kBuffers, 100);
    // Guard bytes right after the 100-byte buffer.
    const std::vector<std::byte> guard(64, std::byte{0xee});
    b.memory().write(kBuffers + 100, guard);
    b.start_receiver(kRing);
    b.arrive(test_frame(150, 3));
    EXPECT_EQ(bytes_at(b.memory(), kBuffers + 100, 64), guard);
    auto first = test_frame(150, 3);
    first.resize(100);
    EXPECT_EQ(bytes_at(b.memory(), kBuffers, 100), first);
    const std::uint32_t status = b.memory().read32(kRing + kUpdStatus);
    EXPECT_EQ(status & kUpdLengthMask, 150u);
    EXPECT_TRUE(status & kUpdError);
    EXPECT_TRUE(status & kUpdOverflow);
    EXPECT_TRUE(status & kUpdComplete);
    EXPECT_EQ(b.nic().counters().rx_errors, 1u);
}

TEST(UploadEngine, ScattersAFrameOverSeveralFragments) {
    NicBench b;
    const PhysAddr upd = kRing;
    b.memory().write32(upd + kUpdNext, static_cast<std::uint32_t>(upd.value()));
    b.memory().write32(upd + kUpdStatus, 0);
    b.memory().write32(upd + 8, 0x30000);
    b.memory().write32(upd + 12, 14);  // the Ethernet header alone
    b.memory().write32(upd + 16, 0x40000);
    b.memory().write32(upd + 20, 1500 | kLastFrag);
    b.start_receiver(upd);
    const auto frame = test_frame(200, 9);
    b.arrive(frame);
    EXPECT_EQ(bytes_at(b.memory(), PhysAddr{0x30000}, 14),
              std::vector<std::byte>(frame.begin(), frame.begin() + 14));
    EXPECT_EQ(bytes_at(b.memory(), PhysAddr{0x40000}, 186),
              std::vector<std::byte>(frame.begin() + 14, frame.end()));
}

TEST(UploadEngine, StallsAtAUpdTheHostStillHoldsThenOverruns) {
    NicBench b;
    b.build_upd_ring(kRing, 4, kBuffers, 1536);
    b.start_receiver(kRing);
    for (int i = 0; i < 4; ++i) b.arrive(test_frame(1000, static_cast<std::uint8_t>(i)));
    EXPECT_EQ(b.nic().counters().rx_uploaded, 4u);
    // Nobody gave UPD 0 back: the fifth frame stalls the engine and waits
    // in the FIFO; the next two do not fit and are lost.
    b.arrive(test_frame(1000, 4));
    EXPECT_TRUE(b.nic().upload_stalled());
    EXPECT_TRUE(b.in32(kUpPktStatus) & kUpStalled);
    b.arrive(test_frame(1000, 5));
    b.arrive(test_frame(1000, 6));
    EXPECT_EQ(b.nic().counters().rx_overruns, 1u);  // 1000 + 1000 fit in 2048; the third does not
    EXPECT_EQ(b.nic().counters().upload_stalls, 1u);
    b.window(6);
    EXPECT_EQ(b.in8(kW6RxOverrun), 1);
}

TEST(UploadEngine, UpUnstallAfterGivingBackDrainsTheFifoInOrder) {
    NicBench b;
    b.build_upd_ring(kRing, 2, kBuffers, 1536);
    b.start_receiver(kRing);
    for (int i = 0; i < 3; ++i) b.arrive(test_frame(500, static_cast<std::uint8_t>(10 * i)));
    ASSERT_TRUE(b.nic().upload_stalled());
    // Give UPD 0 back as a driver would, and unstall.
    b.memory().write32(kRing + kUpdStatus, 0);
    b.command(UpUnstall);
    EXPECT_EQ(b.nic().counters().rx_uploaded, 3u);
    EXPECT_EQ(bytes_at(b.memory(), kBuffers, 500), test_frame(500, 20));  // third frame, first UPD
    EXPECT_EQ(b.nic().counters().rx_overruns, 0u);
}

TEST(UploadEngine, RingWrapsAroundTenThousandFramesWhenGivenBack) {
    NicBench b;
    const int n = 32;
    b.build_upd_ring(kRing, n, kBuffers, 1536);
    b.start_receiver(kRing);
    for (int i = 0; i < 10'000; ++i) {
        const auto frame = test_frame(60 + i % 1400, static_cast<std::uint8_t>(i));
        b.arrive(frame);
        const int entry = i % n;
        const PhysAddr upd = kRing + entry * kUpdBytes;
        ASSERT_EQ(b.memory().read32(upd + kUpdStatus), (frame.size() | kUpdComplete)) << i;
        ASSERT_EQ(bytes_at(b.memory(), kBuffers + entry * 2048, frame.size()), frame) << i;
        b.memory().write32(upd + kUpdStatus, 0);  // give it back
    }
    EXPECT_EQ(b.nic().counters().rx_uploaded, 10'000u);
    EXPECT_EQ(b.nic().counters().upload_stalls, 0u);
    EXPECT_EQ(b.nic().up_list_ptr(), kRing + (10'000 % n) * kUpdBytes);
}

TEST(UploadEngine, ReceiveStampsTravelInEachUpdAcrossRingsRebuiltManyTimes) {
    NicBench b;
    // The model extension: with kDmaReceiveStamps each UPD gets its frame's
    // arrival time and original length, so nothing is kept per UPD on the card.
    constexpr std::uint32_t kSpacing = kUpdStampOffset + kUpdStampBytes;
    const int rings = 100, n = 4;  // 300 UPDs filled
    b.build_upd_ring(kRing, n, kBuffers, 1536, 2048, kSpacing);
    b.out32(kPktStatus, kDmaReceiveStamps);
    b.start_receiver(kRing);
    for (int r = 0; r < rings; ++r) {
        const PhysAddr ring{0x100000 + static_cast<std::uint64_t>(r) * 0x1000};
        b.build_upd_ring(ring, n, kBuffers, 1536, 2048, kSpacing);
        b.out32(kUpListPtr, static_cast<std::uint32_t>(ring.value()));
        std::vector<std::int64_t> arrived;
        for (int i = 0; i < n - 1; ++i) {  // the last UPD of each ring stays empty
            b.run_for(microseconds(10));
            arrived.push_back(b.machine().link().wall_time(b.machine().clock().now()));
            b.arrive(test_frame(60 + static_cast<std::size_t>(i), static_cast<std::uint8_t>(r)));
        }
        for (int i : {2, 0, 1}) {
            const PhysAddr upd = ring + i * kSpacing;
            const std::int64_t stamp = static_cast<std::int64_t>(
                (std::uint64_t{b.memory().read32(upd + kUpdStampTimeHigh)} << 32) |
                b.memory().read32(upd + kUpdStampTimeLow));
            ASSERT_EQ(stamp, arrived[static_cast<std::size_t>(i)]) << r << "/" << i;
            ASSERT_EQ(b.memory().read32(upd + kUpdStampLength), 60u + static_cast<std::uint32_t>(i))
                << r << "/" << i;
        }
        EXPECT_EQ(b.memory().read32(ring + (n - 1) * kSpacing + kUpdStampTimeLow), 0u) << r;
    }
}

TEST(UploadEngine, WithoutTheStampBitAUpdEndsAfterItsFragments) {
    NicBench b;
    // A plain 3c905 (the driver never sets the bit) writes nothing past the
    // fragment list: a canary where the stamp would go stays.
    b.build_upd_ring(kRing, 4, kBuffers, 1536, 2048, 1024);
    for (int i = 0; i < 4; ++i) b.memory().write32(kRing + i * 1024 + kUpdStampTimeLow, 0xC0FFEE);
    b.start_receiver(kRing);
    b.run_for(microseconds(10));
    b.arrive(test_frame(100, 1));
    ASSERT_EQ(b.nic().counters().rx_uploaded, 1u);
    EXPECT_EQ(b.memory().read32(kRing + kUpdStampTimeLow), 0xC0FFEEu);
}

TEST(UploadEngine, TheStampClockReadsTheWireTimeLowHalfFirst) {
    NicBench b;
    b.run_for(milliseconds(3));
    const auto want =
        static_cast<std::uint64_t>(b.machine().link().wall_time(b.machine().clock().now()));
    const std::uint32_t low = b.in32(kStampClockLow);
    const std::uint32_t high = b.in32(kStampClockHigh);
    EXPECT_EQ((std::uint64_t{high} << 32) | low, want);
}

TEST(UploadEngine, ReceiveFilterDecisions) {
    const std::array<std::uint8_t, 6> me = {0x02, 0, 0, 0, 0, 0x42};
    const std::array<std::uint8_t, 6> other = {0x02, 0, 0, 0, 0, 0x43};
    const std::array<std::uint8_t, 6> bcast = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    const std::array<std::uint8_t, 6> mcast = {0x01, 0x00, 0x5e, 0, 0, 1};
    struct Case {
        std::uint16_t filter;
        std::array<std::uint8_t, 6> dst;
        bool accepted;
    };
    const Case cases[] = {
        {RxStation, me, true},     {RxStation, other, false},
        {RxStation, bcast, false}, {RxStation | RxBroadcast, bcast, true},
        {RxStation, mcast, false}, {RxStation | RxMulticast, mcast, true},
        {RxBroadcast, me, false},  {RxProm, other, true},
        {RxProm, mcast, true},     {0, me, false},
    };
    for (const Case& c : cases) {
        NicBench b;
        b.window(2);
        for (int i = 0; i < 6; ++i) b.out8(static_cast<std::uint16_t>(i), me[i]);
        b.build_upd_ring(kRing, 4, kBuffers, 1536);
        b.start_receiver(kRing, c.filter);
        b.arrive(test_frame(64, 0, c.dst));
        EXPECT_EQ(b.nic().counters().rx_uploaded, c.accepted ? 1u : 0u)
            << "filter " << c.filter << " dst[0] " << int(c.dst[0]) << " dst[5] " << int(c.dst[5]);
        EXPECT_EQ(b.nic().counters().rx_filtered, c.accepted ? 0u : 1u);
    }
}

TEST(UploadEngine, ReceiverOffDropsFrames) {
    NicBench b;
    b.build_upd_ring(kRing, 4, kBuffers, 1536);
    b.start_receiver(kRing);
    b.command(RxDisable);
    b.arrive(test_frame(64, 0));
    EXPECT_EQ(b.nic().counters().rx_disabled, 1u);
    EXPECT_EQ(b.nic().counters().rx_uploaded, 0u);
}

TEST(UploadEngine, BufferOutsideMemoryIsAHostError) {
    NicBench b;
    b.build_upd_ring(kRing, 4, PhysAddr{b.machine().config().memory_bytes - 32}, 1536);
    b.start_receiver(kRing);
    b.arrive(test_frame(100, 0));
    EXPECT_EQ(b.nic().counters().host_errors, 1u);
    EXPECT_TRUE(b.in16(kStatus) & HostError);
    EXPECT_TRUE(b.in32(kPktStatus) & kDmaMasterAbort);
    EXPECT_EQ(b.nic().counters().rx_uploaded, 0u);
}

// A UPD in the last 16 bytes of memory, its one fragment at kBuffers with
// the fragment length word `length_word`; where it is.
PhysAddr last_upd_in_memory(NicBench& b, std::uint32_t length_word) {
    const PhysAddr last{b.machine().config().memory_bytes - kUpdBytes};
    b.memory().write32(last + kUpdNext, 0);
    b.memory().write32(last + kUpdStatus, 0);
    b.memory().write32(last + kUpdFragAddr, static_cast<std::uint32_t>(kBuffers.value()));
    b.memory().write32(last + kUpdFragLength, length_word);
    return last;
}

// The engine reads a UPD through one bounds check when all of it lies in
// memory (descriptor_words.h). A UPD that does not -- here, the last 16
// bytes of memory, with the receive stamp switched on, so the stamp words
// lie past the end -- must still fault at exactly the word that is outside:
// the frame and the status are written (they are inside), the stamp is a
// master abort.
TEST(UploadEngine, AUpdAtTheEndOfMemoryFaultsAtItsFirstWordOutside) {
    NicBench b;
    const PhysAddr last = last_upd_in_memory(b, 1536 | kLastFrag);
    b.out32(kPktStatus, kDmaReceiveStamps);
    b.start_receiver(last);
    b.arrive(test_frame(80, 3));
    EXPECT_EQ(bytes_at(b.memory(), kBuffers, 80), test_frame(80, 3));
    EXPECT_EQ(b.memory().read32(last + kUpdStatus), 80u | kUpdComplete);
    EXPECT_EQ(b.nic().counters().host_errors, 1u);
    EXPECT_TRUE(b.in16(kStatus) & HostError);
    EXPECT_TRUE(b.in32(kPktStatus) & kDmaMasterAbort);
}

// The same with the fragment list: the UPD's first 16 bytes are the last
// of memory, and its first fragment does not say lastFrag, so the engine
// goes on to a second pair that is past the end -- after filling the first.
TEST(UploadEngine, AFragmentListRunningOffTheEndOfMemoryFaultsAtTheSecondPair) {
    NicBench b;
    const PhysAddr last = last_upd_in_memory(b, 40);  // no lastFrag
    b.start_receiver(last);
    b.arrive(test_frame(100, 4));
    const auto frame = test_frame(100, 4);
    EXPECT_EQ(bytes_at(b.memory(), kBuffers, 40),
              std::vector<std::byte>(frame.begin(), frame.begin() + 40));
    EXPECT_EQ(b.memory().read32(last + kUpdStatus), 0u);  // never completed
    EXPECT_EQ(b.nic().counters().host_errors, 1u);
    EXPECT_EQ(b.nic().counters().rx_uploaded, 0u);
}

}  // namespace
}  // namespace twinos::test
