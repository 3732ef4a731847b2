// SPDX-License-Identifier: MIT
// Chapter 3 tests: the download engine -- DPD chains, DownComplete, stalls, wire time.
#include <gtest/gtest.h>

#include "nic_bench.h"

namespace twinos::test {
namespace {

using namespace twinos::machine::el3;

constexpr PhysAddr kDpds{0x50000};
constexpr PhysAddr kData{0x60000};

// DPD i at kDpds + 16 i, its frame at kData + 2048 i; `last` ends the chain.
void write_dpd(PhysicalMemory& mem, int i, const std::vector<std::byte>& frame, bool last,
               bool interrupt) {
    const PhysAddr dpd = kDpds + i * kDpdBytes;
    mem.write(kData + i * 2048, frame);
    mem.write32(dpd + kDpdNext, last ? 0 : static_cast<std::uint32_t>((dpd + kDpdBytes).value()));
    const auto len = static_cast<std::uint32_t>(frame.size());
    mem.write32(dpd + kDpdHeader, len | (interrupt ? kDpdTxIntrUploaded : 0));
    mem.write32(dpd + kDpdFragAddr, static_cast<std::uint32_t>((kData + i * 2048).value()));
    mem.write32(dpd + kDpdFragLength, len | kLastFrag);
}

TEST(DownloadEngine, TransmitsADpdChainInOrderAndGoesIdle) {
    NicBench b;
    b.start_receiver(PhysAddr{0});
    std::vector<std::vector<std::byte>> frames;
    for (int i = 0; i < 3; ++i) {
        frames.push_back(test_frame(100 + 200 * i, static_cast<std::uint8_t>(i)));
        write_dpd(b.memory(), i, frames.back(), i == 2, false);
    }
    b.out32(kDownListPtr, static_cast<std::uint32_t>(kDpds.value()));
    b.run_for(milliseconds(1));
    ASSERT_EQ(b.recorder.kept().size(), frames.size());
    for (std::size_t i = 0; i < frames.size(); ++i)
        EXPECT_EQ(b.recorder.kept()[i].bytes, frames[i]);
    EXPECT_EQ(b.in32(kDownListPtr), 0u);
    EXPECT_EQ(b.nic().counters().tx_frames, 3u);
}

TEST(DownloadEngine, DownCompleteOnlyForDpdsThatAskForIt) {
    NicBench b;
    b.start_receiver(PhysAddr{0});
    write_dpd(b.memory(), 0, test_frame(64, 0), true, false);
    b.out32(kDownListPtr, static_cast<std::uint32_t>(kDpds.value()));
    b.run_for(milliseconds(1));
    EXPECT_FALSE(b.in16(kStatus) & DownComplete);
    write_dpd(b.memory(), 1, test_frame(64, 1), true, true);
    b.out32(kDownListPtr, static_cast<std::uint32_t>((kDpds + kDpdBytes).value()));
    b.run_for(milliseconds(1));
    EXPECT_TRUE(b.in16(kStatus) & DownComplete);
    // The original 3c905 does not mark the DPD done.
    EXPECT_EQ(b.memory().read32(kDpds + kDpdBytes + kDpdHeader), 64u | kDpdTxIntrUploaded);
}

TEST(DownloadEngine, DownStallHoldsTheEngineUntilDownUnstall) {
    NicBench b;
    b.start_receiver(PhysAddr{0});
    write_dpd(b.memory(), 0, test_frame(64, 0), true, false);
    b.command(DownStall);
    b.out32(kDownListPtr, static_cast<std::uint32_t>(kDpds.value()));
    b.run_for(milliseconds(1));
    EXPECT_TRUE(b.recorder.kept().empty());
    EXPECT_EQ(b.in32(kDownListPtr), kDpds.value());
    b.command(DownUnstall);
    b.run_for(milliseconds(1));
    EXPECT_EQ(b.recorder.kept().size(), 1u);
}

TEST(DownloadEngine, FramesLeaveNoFasterThanTheWireCarriesThem) {
    NicBench b;
    b.start_receiver(PhysAddr{0});
    for (int i = 0; i < 3; ++i) write_dpd(b.memory(), i, test_frame(1514, 0), i == 2, false);
    b.out32(kDownListPtr, static_cast<std::uint32_t>(kDpds.value()));
    b.run_for(milliseconds(1));
    ASSERT_EQ(b.recorder.kept().size(), 3u);
    // 8 + 1514 + 4 + 12 bytes at 100 Mbit/s: 123.04 µs apart.
    EXPECT_EQ(b.recorder.kept()[1].at - b.recorder.kept()[0].at, Ticks{123'040});
    EXPECT_EQ(b.recorder.kept()[2].at - b.recorder.kept()[1].at, Ticks{123'040});
}

TEST(DownloadEngine, TransmitterOffSendsNothing) {
    NicBench b;
    write_dpd(b.memory(), 0, test_frame(64, 0), true, false);
    b.out32(kDownListPtr, static_cast<std::uint32_t>(kDpds.value()));
    b.run_for(milliseconds(1));
    EXPECT_TRUE(b.recorder.kept().empty());
    EXPECT_EQ(b.nic().counters().tx_frames, 0u);
}

}  // namespace
}  // namespace twinos::test
