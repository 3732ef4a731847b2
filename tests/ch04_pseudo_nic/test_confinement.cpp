// SPDX-License-Identifier: MIT
// Chapter 4 tests: the confinement check on its own.
#include <gtest/gtest.h>

#include "pseudonic/confinement.h"
#include "twinos/machine/machine_config.h"

namespace twinos::test {
namespace {

using pseudonic::Confinement;
using pseudonic::SecurityCause;
using namespace twinos::machine;

class ConfinementTest : public ::testing::Test {
protected:
    MachineConfig config = MachineConfig::standard(32ull << 20);  // co-existing: [0, 16 MiB)
    Confinement confinement{config.coexisting, config.memory_bytes};
    std::uint32_t boundary = static_cast<std::uint32_t>(config.preceding.base.value());
};

TEST_F(ConfinementTest, RangesInsideThePartitionPass) {
    EXPECT_FALSE(confinement.check(0x1000, 1536).has_value());
    EXPECT_FALSE(
        confinement.check(boundary - 1536, 1536).has_value());  // ends exactly at the boundary
    EXPECT_FALSE(confinement.check(boundary - 1, 1).has_value());
    EXPECT_FALSE(confinement.check(0, 0).has_value());
}

TEST_F(ConfinementTest, EachKindOfEscapeIsNamed) {
    EXPECT_EQ(confinement.check(boundary, 16), SecurityCause::IntoPrecedingOs);
    EXPECT_EQ(confinement.check(boundary - 8, 16), SecurityCause::StraddlesBoundary);
    EXPECT_EQ(confinement.check(boundary - 1536, 1537), SecurityCause::StraddlesBoundary);
    EXPECT_EQ(confinement.check(static_cast<std::uint32_t>(config.memory_bytes), 16),
              SecurityCause::PastEndOfMemory);
    EXPECT_EQ(confinement.check(static_cast<std::uint32_t>(config.memory_bytes) - 8, 16),
              SecurityCause::PastEndOfMemory);
    EXPECT_EQ(confinement.check(0xffffff00u, 0x200), SecurityCause::AddressWraps);
    EXPECT_EQ(confinement.check(0xfffffff0u, 0x10),
              SecurityCause::PastEndOfMemory);  // ends at 2^32
}

}  // namespace
}  // namespace twinos::test
