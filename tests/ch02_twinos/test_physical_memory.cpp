// SPDX-License-Identifier: MIT
// Chapter 2 tests: physical memory's bounds -- the last word that fits, the
// first that does not, and a memory too small to hold one.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>

#include "twinos/machine/physical_memory.h"

namespace twinos::test {
namespace {

using namespace twinos::machine;

TEST(PhysicalMemory, TheLastWholeWordIsReadAndWrittenAndOnePastItIsABusError) {
    PhysicalMemory memory{4096};
    memory.write32(PhysAddr{4092}, 0x11223344u);
    EXPECT_EQ(memory.read32(PhysAddr{4092}), 0x11223344u);
    // Little-endian, as the card and the driver lay descriptors out.
    std::array<std::byte, 4> bytes{};
    memory.read(PhysAddr{4092}, bytes);
    EXPECT_EQ(bytes[0], std::byte{0x44});
    EXPECT_EQ(bytes[3], std::byte{0x11});
    const std::uint64_t huge = std::numeric_limits<std::uint64_t>::max() - 2;
    for (std::uint64_t past : {std::uint64_t{4093}, std::uint64_t{4094}, std::uint64_t{4095},
                               std::uint64_t{4096}, std::uint64_t{1} << 40, huge}) {
        SCOPED_TRACE(past);
        EXPECT_THROW(memory.read32(PhysAddr{past}), BusError);
        EXPECT_THROW(memory.write32(PhysAddr{past}, 1), BusError);
    }
    EXPECT_EQ(memory.read32(PhysAddr{4092}), 0x11223344u);  // nothing half-written
}

TEST(PhysicalMemory, AMemoryTooSmallForAWordRefusesEveryWordButNotItsBytes) {
    for (std::uint64_t size : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{3}}) {
        SCOPED_TRACE(size);
        PhysicalMemory memory{size};
        EXPECT_THROW(memory.read32(PhysAddr{0}), BusError);
        EXPECT_THROW(memory.write32(PhysAddr{0}, 1), BusError);
        EXPECT_EQ(memory.span(PhysAddr{0}, size).size(), size);
        EXPECT_THROW(memory.span(PhysAddr{0}, size + 1), BusError);
    }
    PhysicalMemory four{4};
    four.write32(PhysAddr{0}, 7);
    EXPECT_EQ(four.read32(PhysAddr{0}), 7u);
    EXPECT_THROW(four.read32(PhysAddr{1}), BusError);
}

TEST(PhysicalMemory, ABusErrorNamesTheAccessAndTheEndOfMemory) {
    PhysicalMemory memory{4096};
    try {
        memory.read32(PhysAddr{4094});
        FAIL() << "a word past the end was read";
    } catch (const BusError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("+4"), std::string::npos) << what;
        EXPECT_NE(what.find("past the end of memory"), std::string::npos) << what;
    }
}

}  // namespace
}  // namespace twinos::test
