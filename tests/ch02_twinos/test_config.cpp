// SPDX-License-Identifier: MIT
// Chapter 2 tests: every class of bad configuration is refused, naming its field.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "test_machine.h"
#include "twinos/machine/config_error.h"
#include "twinos/twin_os.h"

namespace twinos::test {
namespace {

using namespace twinos::machine;
using twinos::os::TwinOs;

// Expect building a machine from `c` to fail with a ConfigError on `field`
// whose message contains `words`.
void expect_refused(const MachineConfig& c, const std::string& field, const std::string& words) {
    try {
        Machine m(c, probe_factory());
        FAIL() << "configuration was accepted; expected an error on " << field;
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.field(), field) << e.what();
        EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
}

TEST(MachineConfig, StandardConfigurationIsValid) {
    EXPECT_NO_THROW(validate(MachineConfig::standard()));
    EXPECT_NO_THROW(validate(probe_config()));
}

TEST(MachineConfig, RefusesAnEmptyPartition) {
    MachineConfig c = probe_config();
    c.coexisting.size_bytes = 0;
    expect_refused(c, "partitions.coexisting.size", "empty");
}

TEST(MachineConfig, RefusesAPartitionPastTheEndOfMemory) {
    MachineConfig c = probe_config(64ull << 20);
    c.preceding.size_bytes += kPageSize;  // one page too many
    expect_refused(c, "partitions.preceding.size", "past the end of memory");
}

TEST(MachineConfig, RefusesAPartitionStartingPastTheEndOfMemory) {
    MachineConfig c = probe_config(64ull << 20);
    c.preceding.base = PhysAddr{64ull << 20};
    expect_refused(c, "partitions.preceding.size", "past the end of memory");
}

TEST(MachineConfig, RefusesOverlappingPartitions) {
    MachineConfig c = probe_config(64ull << 20);
    c.coexisting.size_bytes += kPageSize;  // last page is the preceding OS's first
    expect_refused(c, "partitions.preceding.base", "overlap");
}

TEST(MachineConfig, RefusesTheCoexistingOsAboveThePrecedingOs) {
    MachineConfig c = probe_config(64ull << 20);
    std::swap(c.coexisting.base, c.preceding.base);
    expect_refused(c, "partitions.preceding.base", "high partition");
}

TEST(MachineConfig, RefusesAMisalignedPartition) {
    MachineConfig c = probe_config();
    c.preceding.base = c.preceding.base + 512;
    c.preceding.size_bytes -= kPageSize;
    expect_refused(c, "partitions.preceding.base", "aligned");
}

TEST(MachineConfig, RefusesMemoryThatIsNotWholePages) {
    MachineConfig c = probe_config();
    c.memory_bytes += 1;
    expect_refused(c, "memory", "multiple of 4 KiB");
}

TEST(MachineConfig, RefusesAZeroQuantum) {
    MachineConfig c = probe_config();
    c.quantum = Ticks{0};
    expect_refused(c, "quantum", "positive");
}

TEST(MachineConfig, RefusesConflictingPortRanges) {
    MachineConfig c = probe_config();
    c.devices.push_back({"clash", "probe", OsId::Coexisting, {Port{0x10f}, 4}, std::nullopt});
    expect_refused(c, "devices[4].ports", "overlap those of 'probe_p'");
}

TEST(MachineConfig, RefusesAnIrqOwnedTwice) {
    MachineConfig c = probe_config();
    c.devices.push_back({"second", "probe", OsId::Coexisting, {Port{0x300}, 4}, 10});
    expect_refused(c, "devices[4].irq", "already owned by 'probe_p' (preceding)");
}

TEST(MachineConfig, RefusesAnIrqOutOfRange) {
    MachineConfig c = probe_config();
    c.devices[2].irq = 16;
    expect_refused(c, "devices[2].irq", "0..15");
}

TEST(MachineConfig, RefusesADuplicateDeviceName) {
    MachineConfig c = probe_config();
    c.devices.push_back({"com1", "probe", OsId::Coexisting, {Port{0x300}, 4}, std::nullopt});
    expect_refused(c, "devices[4].name", "already devices[0]");
}

TEST(MachineConfig, RefusesAnEmptyPortRange) {
    MachineConfig c = probe_config();
    c.devices[3].ports.count = 0;
    expect_refused(c, "devices[3].ports", "empty");
}

TEST(MachineConfig, RefusesAnUnknownDeviceKind) {
    MachineConfig c = probe_config();
    c.devices[3].kind = "3c509";
    expect_refused(c, "devices.probe_c.kind", "unknown device kind '3c509'");
}

TEST(MachineConfig, NothingStartsFromABadConfiguration) {
    // A TwinOs built from a bad configuration throws before any kernel exists;
    // there is no half-built machine to run.
    MachineConfig c = probe_config();
    c.devices.push_back({"second", "probe", OsId::Coexisting, {Port{0x300}, 4}, 11});
    bool built = false;
    try {
        TwinOs twin(c, probe_factory());
        built = true;
    } catch (const ConfigError&) {
    }
    EXPECT_FALSE(built);
}

}  // namespace
}  // namespace twinos::test
