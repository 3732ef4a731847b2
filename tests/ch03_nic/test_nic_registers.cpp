// SPDX-License-Identifier: MIT
// Chapter 3 tests: the card's registers, windows, commands and interrupt line.
#include <gtest/gtest.h>

#include "nic_bench.h"

namespace twinos::test {
namespace {

using namespace twinos::machine::el3;

TEST(Nic3c905, SelectedWindowShowsInStatusBits13To15) {
    NicBench b;
    for (unsigned w : {0u, 3u, 6u, 7u}) {
        b.window(w);
        EXPECT_EQ(b.in16(kStatus) >> kStatusWindowShift, w);
    }
}

TEST(Nic3c905, EepromHoldsTheStationAddressHighByteFirst) {
    NicBench b;
    const auto& mac = b.nic().burned_in_address();
    EXPECT_EQ(mac[0], 0x00);
    EXPECT_EQ(mac[1], 0x50);
    EXPECT_EQ(mac[2], 0x04);  // a 3Com OUI
    b.window(0);
    for (int i = 0; i < 3; ++i) {
        b.out16(kW0EepromCommand,
                static_cast<std::uint16_t>(kEepromRead + kEepromStationAddress + i));
        const std::uint16_t word = b.in16(kW0EepromData);
        EXPECT_EQ(word >> 8, mac[2 * i]);
        EXPECT_EQ(word & 0xff, mac[2 * i + 1]);
    }
    b.out16(kW0EepromCommand, kEepromRead + kEepromCapabilities);
    EXPECT_TRUE(b.in16(kW0EepromData) & kCapBusMaster);
}

TEST(Nic3c905, StationAddressIsWrittenAndReadInWindow2Only) {
    NicBench b;
    b.window(2);
    const std::uint8_t mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
    for (int i = 0; i < 6; ++i) b.out8(static_cast<std::uint16_t>(kW2StationAddress + i), mac[i]);
    EXPECT_EQ(b.in16(kW2StationAddress), 0x1102);  // little-endian word of bytes 0-1
    EXPECT_EQ(b.nic().station_address()[5], 0x55);
    b.window(3);
    EXPECT_NE(b.in8(kW2StationAddress + 1), 0x11);  // another window, another register
}

TEST(Nic3c905, Window5ReadsBackFilterAndMasks) {
    NicBench b;
    b.command(SetRxFilter | RxStation | RxBroadcast);
    b.command(SetIntrEnb | 0x06cf);
    b.command(SetStatusEnb | 0x06c6);
    b.window(5);
    EXPECT_EQ(b.in16(kW5RxFilter), RxStation | RxBroadcast);
    EXPECT_EQ(b.in16(kW5IntrEnable), 0x06cf);
    EXPECT_EQ(b.in16(kW5StatusEnable), 0x06c6);
}

TEST(Nic3c905, StatusBitsAreHiddenUntilEnabledAndClearedByAckIntr) {
    NicBench b;
    b.command(FakeIntr);                     // latches IntReq
    EXPECT_EQ(b.in16(kStatus) & IntReq, 0);  // not visible yet
    b.command(SetStatusEnb | IntReq);
    EXPECT_EQ(b.in16(kStatus) & IntReq, IntReq);
    b.command(AckIntr | IntReq);
    EXPECT_EQ(b.in16(kStatus) & IntReq, 0);
}

TEST(Nic3c905, EnabledEventRaisesTheIrqOnceUntilIntLatchIsAcknowledged) {
    NicBench b;
    b.command(SetStatusEnb | IntReq);
    b.command(SetIntrEnb | IntLatch | IntReq);
    b.command(FakeIntr);
    EXPECT_EQ(b.nic().counters().irqs_raised, 1u);
    EXPECT_TRUE(b.in16(kStatus) & IntLatch);
    b.command(FakeIntr);  // line already up: no new edge
    EXPECT_EQ(b.nic().counters().irqs_raised, 1u);
    // Acknowledging IntLatch with IntReq still pending re-latches at once.
    b.command(AckIntr | IntLatch);
    EXPECT_TRUE(b.in16(kStatus) & IntLatch);
    b.command(AckIntr | IntLatch | IntReq);
    EXPECT_FALSE(b.in16(kStatus) & IntLatch);
    b.command(FakeIntr);  // a new edge
    EXPECT_EQ(b.nic().counters().irqs_raised, 2u);
}

TEST(Nic3c905, CommandsNeverLeaveCmdInProgressSet) {
    NicBench b;
    b.command(TxReset);
    b.command(RxReset);
    EXPECT_EQ(b.in16(kStatus) & CmdInProgress, 0);
}

TEST(Nic3c905, UnknownCommandsAreCountedNotIgnored) {
    NicBench b;
    b.command(static_cast<std::uint16_t>(31 << 11));
    EXPECT_EQ(b.nic().counters().unknown_commands, 1u);
}

TEST(Nic3c905, StatisticsClearWhenRead) {
    NicBench b;
    b.start_receiver(PhysAddr{0});  // no list: frames wait in the FIFO, then overrun
    for (int i = 0; i < 3; ++i) b.arrive(test_frame(1500, 0));
    EXPECT_EQ(b.nic().counters().rx_overruns, 2u);  // the first fits the 2 KiB FIFO
    b.window(6);
    EXPECT_EQ(b.in8(kW6RxOverrun), 2);
    EXPECT_EQ(b.in8(kW6RxOverrun), 0);
}

TEST(Nic3c905, TotalResetReturnsToPowerOnState) {
    NicBench b;
    b.command(SetRxFilter | RxProm);
    b.command(RxEnable);
    b.window(4);
    b.command(TotalReset);
    EXPECT_EQ(b.in16(kStatus) >> kStatusWindowShift, 0);
    EXPECT_EQ(b.nic().rx_filter(), 0);
    b.arrive(test_frame(64, 1));
    EXPECT_EQ(b.nic().counters().rx_disabled, 1u);
}

}  // namespace
}  // namespace twinos::test
