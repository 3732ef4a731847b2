// SPDX-License-Identifier: MIT
// Chapter 2 tests (graded by lab 1): copying mappings between address spaces
// and restoring them exactly -- the mechanism of the paper's solution 2.
#include <gtest/gtest.h>

#include <array>

#include "twinos/machine/address_space.h"
#include "twinos/machine/machine_config.h"

namespace twinos::test {
namespace {

using namespace twinos::machine;

class MappingCopyTest : public ::testing::Test {
protected:
    MachineConfig config = MachineConfig::standard(16ull << 20);
    PhysicalMemory memory{config.memory_bytes};
    PhysAddr high = config.preceding.base;
    // The monitor application's space and the kernel space of the same OS.
    AddressSpace app{"preceding:monitor", memory, {config.preceding}};
    AddressSpace kernel{"preceding:kernel", memory, {config.preceding}};
};

TEST_F(MappingCopyTest, CopiedMappingsReachTheSameBytes) {
    ASSERT_EQ(app.map(VirtAddr{0x400000}, high + 0x10000, Perm::ReadWrite), MapStatus::Ok);
    ASSERT_EQ(app.map(VirtAddr{0x401000}, high + 0x20000, Perm::ReadWrite), MapStatus::Ok);
    auto patch = kernel.copy_mappings(app, VirtAddr{0x400000}, 2 * kPageSize);
    ASSERT_TRUE(patch.has_value());
    const std::array<std::byte, 4> word{std::byte{0xde}, std::byte{0xad}, std::byte{0xbe},
                                        std::byte{0xef}};
    kernel.write(VirtAddr{0x401ffc}, word);  // written through the kernel's view
    std::array<std::byte, 4> seen{};
    app.read(VirtAddr{0x401ffc}, seen);  // read through the application's
    EXPECT_EQ(seen, word);
}

TEST_F(MappingCopyTest, RestoreGivesBackTheIdenticalTable) {
    // The kernel already maps something inside and outside the copied range.
    ASSERT_EQ(kernel.map(VirtAddr{0x400000}, high + 0x30000, Perm::Read), MapStatus::Ok);
    ASSERT_EQ(kernel.map(VirtAddr{0x900000}, high + 0x31000, Perm::ReadWrite), MapStatus::Ok);
    ASSERT_EQ(app.map(VirtAddr{0x400000}, high + 0x10000, Perm::ReadWrite), MapStatus::Ok);
    ASSERT_EQ(app.map(VirtAddr{0x402000}, high + 0x11000, Perm::ReadWrite), MapStatus::Ok);
    const auto before = kernel.entries();

    auto patch = kernel.copy_mappings(app, VirtAddr{0x400000}, 4 * kPageSize);
    ASSERT_TRUE(patch.has_value());
    EXPECT_EQ(kernel.entry(VirtAddr{0x400000}), (PageEntry{high + 0x10000, Perm::ReadWrite}));
    EXPECT_EQ(kernel.entry(VirtAddr{0x402000}), (PageEntry{high + 0x11000, Perm::ReadWrite}));
    EXPECT_NE(kernel.entries(), before);

    kernel.restore(*patch);
    EXPECT_EQ(kernel.entries(), before);
    EXPECT_EQ(kernel.translate(VirtAddr{0x400000}, Access::Write).fault, Fault::Protection);
}

TEST_F(MappingCopyTest, RefusedCopyChangesNothing) {
    // A space that may reach only the co-existing partition cannot take the
    // monitor's mappings: every frame is in the preceding OS's memory.
    AddressSpace confined{"coexisting:kernel", memory, {config.coexisting}};
    ASSERT_EQ(confined.map(VirtAddr{0x400000}, PhysAddr{0x1000}, Perm::ReadWrite), MapStatus::Ok);
    ASSERT_EQ(app.map(VirtAddr{0x401000}, high + 0x10000, Perm::ReadWrite), MapStatus::Ok);
    const auto before = confined.entries();
    EXPECT_FALSE(confined.copy_mappings(app, VirtAddr{0x400000}, 2 * kPageSize).has_value());
    EXPECT_EQ(confined.entries(), before);
}

}  // namespace
}  // namespace twinos::test
