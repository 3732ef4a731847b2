// SPDX-License-Identifier: MIT
// Chapter 2 tests: partition bounds, first and last byte, off by one, overflow.
#include <gtest/gtest.h>

#include <limits>

#include "twinos/machine/machine_config.h"
#include "twinos/machine/partition.h"

namespace twinos::test {
namespace {

using namespace twinos::machine;

TEST(Partition, StandardSplitGivesTheLowHalfToTheCoexistingOs) {
    MachineConfig c = MachineConfig::standard(256ull << 20);
    EXPECT_EQ(c.coexisting.base, PhysAddr{0});
    EXPECT_EQ(c.coexisting.size_bytes, 128ull << 20);
    EXPECT_EQ(c.preceding.base, PhysAddr{128ull << 20});
    EXPECT_EQ(c.preceding.end(), PhysAddr{256ull << 20});
    EXPECT_EQ(c.coexisting.owner, OsId::Coexisting);
    EXPECT_EQ(c.preceding.owner, OsId::Preceding);
}

TEST(Partition, StandardSplitOfAnOddSizeStaysPageAlignedAndCoversAllMemory) {
    const std::uint64_t memory = 100 * kPageSize + kPageSize;  // 101 pages
    MachineConfig c = MachineConfig::standard(memory);
    EXPECT_TRUE(c.preceding.base.page_aligned());
    EXPECT_EQ(c.coexisting.size_bytes + c.preceding.size_bytes, memory);
    EXPECT_EQ(c.coexisting.end(), c.preceding.base);
    EXPECT_NO_THROW(validate(c));
}

TEST(Partition, FirstAndLastByteOnEachSideOfTheBoundary) {
    MachineConfig c = MachineConfig::standard(64ull << 20);
    const PhysAddr boundary = c.preceding.base;
    // Last byte of the co-existing OS, first byte of the preceding OS.
    EXPECT_TRUE(c.coexisting.contains(PhysAddr{boundary.value() - 1}));
    EXPECT_FALSE(c.coexisting.contains(boundary));
    EXPECT_TRUE(c.preceding.contains(boundary));
    EXPECT_FALSE(c.preceding.contains(PhysAddr{boundary.value() - 1}));
    // The very first and very last bytes of memory.
    EXPECT_TRUE(c.coexisting.contains(PhysAddr{0}));
    EXPECT_TRUE(c.preceding.contains(PhysAddr{(64ull << 20) - 1}));
    EXPECT_FALSE(c.preceding.contains(PhysAddr{64ull << 20}));
    EXPECT_EQ(c.preceding.last(), PhysAddr{(64ull << 20) - 1});
}

TEST(Partition, RangeEndingExactlyAtTheBoundaryIsInsideOneByteMoreIsNot) {
    Partition p{OsId::Coexisting, PhysAddr{0x1000}, 0x2000};
    EXPECT_TRUE(p.contains_range(PhysAddr{0x1000}, 0x2000));
    EXPECT_FALSE(p.contains_range(PhysAddr{0x1000}, 0x2001));
    EXPECT_TRUE(p.contains_range(PhysAddr{0x2fff}, 1));
    EXPECT_FALSE(p.contains_range(PhysAddr{0x2fff}, 2));
    EXPECT_FALSE(p.contains_range(PhysAddr{0x0fff}, 2));  // starts one byte early
}

TEST(Partition, ZeroLengthRangeIsInsideOnlyWhereItsAddressIs) {
    Partition p{OsId::Coexisting, PhysAddr{0x1000}, 0x1000};
    EXPECT_TRUE(p.contains_range(PhysAddr{0x1000}, 0));
    EXPECT_FALSE(p.contains_range(PhysAddr{0x2000}, 0));
}

TEST(Partition, RangeWhoseEndWrapsPast64BitsIsNeverInside) {
    constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
    Partition top{OsId::Preceding, PhysAddr{kMax - 0xfff}, 0x1000};  // ends exactly at 2^64
    EXPECT_TRUE(top.contains(PhysAddr{kMax}));
    EXPECT_TRUE(top.contains_range(PhysAddr{kMax}, 1));
    EXPECT_FALSE(top.contains_range(PhysAddr{kMax}, 2));
    Partition low{OsId::Coexisting, PhysAddr{0}, 0x1000};
    // addr + length would wrap to a small number inside the partition.
    EXPECT_FALSE(low.contains_range(PhysAddr{0x10}, kMax));
}

}  // namespace
}  // namespace twinos::test
