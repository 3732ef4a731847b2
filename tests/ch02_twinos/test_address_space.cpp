// SPDX-License-Identifier: MIT
// Chapter 2 tests (graded by lab 1): confined mapping and translation.
#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "twinos/machine/address_space.h"
#include "twinos/machine/machine_config.h"

namespace twinos::test {
namespace {

using namespace twinos::machine;

class AddressSpaceTest : public ::testing::Test {
protected:
    MachineConfig config = MachineConfig::standard(16ull << 20);
    PhysicalMemory memory{config.memory_bytes};
    AddressSpace coexisting{"coexisting:test", memory, {config.coexisting}};
    PhysAddr low_first = config.coexisting.base;
    PhysAddr low_last_frame = PhysAddr{config.coexisting.end().value() - kPageSize};
    PhysAddr high_first = config.preceding.base;
};

// A failing test names what it compared: the strong types print readably.
TEST(AddressPrinting, StrongTypesAndStatusesPrintAsWhatTheyAre) {
    EXPECT_EQ(::testing::PrintToString(PhysAddr{0x7000}), "PhysAddr 0x7000");
    EXPECT_EQ(::testing::PrintToString(VirtAddr{0x40000000}), "VirtAddr 0x40000000");
    EXPECT_EQ(::testing::PrintToString(Port{0xe00e}), "Port 0xe00e");
    EXPECT_EQ(::testing::PrintToString(MapStatus::AlreadyMapped), "already mapped");
    EXPECT_EQ(::testing::PrintToString(Fault::Protection), to_string(Fault::Protection));
}

TEST_F(AddressSpaceTest, MapsAFrameOfItsOwnPartitionAndTranslatesWithTheOffset) {
    ASSERT_EQ(coexisting.map(VirtAddr{0x40000}, PhysAddr{0x7000}, Perm::ReadWrite), MapStatus::Ok);
    Translation t = coexisting.translate(VirtAddr{0x40123}, Access::Read);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t.addr, PhysAddr{0x7123});
    t = coexisting.translate(VirtAddr{0x40fff}, Access::Write);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t.addr, PhysAddr{0x7fff});
}

TEST_F(AddressSpaceTest, AcceptsTheFirstAndLastFrameOfItsPartition) {
    EXPECT_EQ(coexisting.map(VirtAddr{0x1000}, low_first, Perm::Read), MapStatus::Ok);
    EXPECT_EQ(coexisting.map(VirtAddr{0x2000}, low_last_frame, Perm::Read), MapStatus::Ok);
    Translation t = coexisting.translate(VirtAddr{0x2fff}, Access::Read);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t.addr, PhysAddr{config.preceding.base.value() - 1});
}

TEST_F(AddressSpaceTest, RefusesTheFirstFrameOfThePrecedingOs) {
    EXPECT_EQ(coexisting.map(VirtAddr{0x1000}, high_first, Perm::Read),
              MapStatus::OutsidePartition);
    EXPECT_FALSE(coexisting.entry(VirtAddr{0x1000}).has_value());
    EXPECT_EQ(coexisting.translate(VirtAddr{0x1000}, Access::Read).fault, Fault::NotMapped);
}

TEST_F(AddressSpaceTest, RefusesAFramePastTheEndOfMemory) {
    EXPECT_EQ(coexisting.map(VirtAddr{0x1000}, PhysAddr{config.memory_bytes}, Perm::Read),
              MapStatus::OutsidePartition);
    EXPECT_TRUE(coexisting.entries().empty());
}

TEST_F(AddressSpaceTest, RefusesAFrameThatStraddlesThePartitionEnd) {
    // A partition of one and a half pages: the second frame starts inside
    // but would end 2 KiB past it.
    Partition odd{OsId::Coexisting, PhysAddr{0}, kPageSize + kPageSize / 2};
    AddressSpace space{"odd", memory, {odd}};
    EXPECT_EQ(space.map(VirtAddr{0}, PhysAddr{0}, Perm::Read), MapStatus::Ok);
    EXPECT_EQ(space.map(VirtAddr{kPageSize}, PhysAddr{kPageSize}, Perm::Read),
              MapStatus::OutsidePartition);
}

TEST_F(AddressSpaceTest, RefusesMisalignedPagesAndFrames) {
    EXPECT_EQ(coexisting.map(VirtAddr{0x1001}, PhysAddr{0x2000}, Perm::Read),
              MapStatus::Misaligned);
    EXPECT_EQ(coexisting.map(VirtAddr{0x1000}, PhysAddr{0x2800}, Perm::Read),
              MapStatus::Misaligned);
    EXPECT_TRUE(coexisting.entries().empty());
}

TEST_F(AddressSpaceTest, RefusesToMapAPageTwiceAndKeepsTheFirstEntry) {
    ASSERT_EQ(coexisting.map(VirtAddr{0x1000}, PhysAddr{0x2000}, Perm::Read), MapStatus::Ok);
    EXPECT_EQ(coexisting.map(VirtAddr{0x1000}, PhysAddr{0x3000}, Perm::ReadWrite),
              MapStatus::AlreadyMapped);
    EXPECT_EQ(coexisting.entry(VirtAddr{0x1000}), (PageEntry{PhysAddr{0x2000}, Perm::Read}));
}

TEST_F(AddressSpaceTest, TranslatingAnUnmappedPageFaults) {
    ASSERT_EQ(coexisting.map(VirtAddr{0x1000}, PhysAddr{0x2000}, Perm::Read), MapStatus::Ok);
    EXPECT_EQ(coexisting.translate(VirtAddr{0x0fff}, Access::Read).fault, Fault::NotMapped);
    EXPECT_EQ(coexisting.translate(VirtAddr{0x2000}, Access::Read).fault, Fault::NotMapped);
    EXPECT_TRUE(coexisting.translate(VirtAddr{0x1000}, Access::Read).ok());
}

TEST_F(AddressSpaceTest, StoringToAReadOnlyPageIsAProtectionFault) {
    ASSERT_EQ(coexisting.map(VirtAddr{0x1000}, PhysAddr{0x2000}, Perm::Read), MapStatus::Ok);
    EXPECT_TRUE(coexisting.translate(VirtAddr{0x1010}, Access::Read).ok());
    EXPECT_EQ(coexisting.translate(VirtAddr{0x1010}, Access::Write).fault, Fault::Protection);
    const std::array<std::byte, 1> one{std::byte{1}};
    EXPECT_THROW(coexisting.write(VirtAddr{0x1010}, one), PageFault);
}

TEST_F(AddressSpaceTest, ReadsAndWritesCrossPagesThatMapScatteredFrames) {
    // Two consecutive pages backed by frames in reverse order.
    ASSERT_EQ(coexisting.map(VirtAddr{0x10000}, PhysAddr{0x9000}, Perm::ReadWrite), MapStatus::Ok);
    ASSERT_EQ(coexisting.map(VirtAddr{0x11000}, PhysAddr{0x5000}, Perm::ReadWrite), MapStatus::Ok);
    std::array<std::byte, 64> in{};
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = std::byte(i + 1);
    coexisting.write(VirtAddr{0x10fe0}, in);  // 32 bytes on each page
    std::array<std::byte, 64> out{};
    coexisting.read(VirtAddr{0x10fe0}, out);
    EXPECT_EQ(in, out);
    std::array<std::byte, 32> tail{};
    memory.read(PhysAddr{0x5000}, tail);  // second half landed in the second frame
    EXPECT_EQ(std::memcmp(tail.data(), in.data() + 32, 32), 0);
}

TEST_F(AddressSpaceTest, AccessRunningOntoAnUnmappedPageFaultsAtThatPage) {
    ASSERT_EQ(coexisting.map(VirtAddr{0x10000}, PhysAddr{0x9000}, Perm::ReadWrite), MapStatus::Ok);
    std::array<std::byte, 16> buf{};
    try {
        coexisting.read(VirtAddr{0x10ff8}, buf);
        FAIL() << "read across into an unmapped page did not fault";
    } catch (const PageFault& f) {
        EXPECT_EQ(f.addr(), VirtAddr{0x11000});
        EXPECT_EQ(f.fault(), Fault::NotMapped);
    }
}

}  // namespace
}  // namespace twinos::test
