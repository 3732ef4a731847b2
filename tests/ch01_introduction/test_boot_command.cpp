// SPDX-License-Identifier: MIT
// Chapter 1 tests: `twinos boot`, the first command a student runs, run as a
// real process: its output, its exit codes and its error messages.
#include <gtest/gtest.h>

#include "../common/run_twinos.h"

namespace twinos::test {
namespace {

TEST(BootCommand, ShowsThePartitionMapDevicesConsolesAndSummary) {
    CommandRun r = run_twinos("boot");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(has(r.output, "0x08000000-0x0fffffff     128 MiB  preceding OS")) << r.output;
    EXPECT_TRUE(has(r.output, "0x00000000-0x07ffffff     128 MiB  coexisting OS")) << r.output;
    EXPECT_TRUE(has(r.output, "com2   uart16550  ports 0x02f8-0x02ff  irq 3   owner coexisting"))
        << r.output;
    EXPECT_TRUE(has(r.output, "com1 | twinos preceding kernel")) << r.output;
    EXPECT_TRUE(has(r.output, "com2 | twinos coexisting kernel")) << r.output;
    EXPECT_TRUE(has(r.output, "switch preceding -> coexisting (boot")) << r.output;
    EXPECT_TRUE(has(r.output, "ticks total=35000000 ")) << r.output;
    // 35 ms with a 10 ms quantum after a ~0.1 ms boot: three timer switches.
    EXPECT_TRUE(has(r.output, "switches total=4 boot=1 timer=3 irq=0 return=0")) << r.output;
}

TEST(BootCommand, QuantumAndRunForChangeTheTimeSharing) {
    CommandRun r = run_twinos("boot --quantum 1ms --run-for 10500us --trace sched");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(has(r.output, "timer=10 ")) << r.output;
    EXPECT_FALSE(has(r.output, "] boot ")) << "boot lines were traced without the flag";
}

TEST(BootCommand, SmallerMemoryIsSplitInHalf) {
    CommandRun r = run_twinos("boot --memory 64M --run-for 1ms");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(has(r.output, "0x02000000-0x03ffffff      32 MiB  preceding OS")) << r.output;
}

TEST(BootCommand, EmptyPartitionIsRefusedNamingTheOptionAndField) {
    CommandRun r = run_twinos("boot --coexisting 0:0");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(
        has(r.output, "error: --coexisting (partitions.coexisting.size): partition is empty"))
        << r.output;
    EXPECT_FALSE(has(r.output, "trace")) << "the machine started from a bad configuration";
}

TEST(BootCommand, OverlappingPartitionsAreRefused) {
    CommandRun r = run_twinos("boot --coexisting 0:130M");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(has(r.output, "--preceding (partitions.preceding.base): partitions overlap"))
        << r.output;
}

TEST(BootCommand, MalformedValuesNameTheOptionAndColumn) {
    CommandRun r = run_twinos("boot --quantum 10");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(has(r.output, "--quantum: '10' at column 3: missing unit")) << r.output;
    r = run_twinos("boot --trace sched,disk");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(has(r.output, "--trace: unknown trace flag 'disk' at column 7")) << r.output;
}

TEST(BootCommand, UsageErrorsExitWithTwoAndHelpWithZero) {
    EXPECT_EQ(run_twinos("").exit_code, 2);
    EXPECT_EQ(run_twinos("boot --no-such-option").exit_code, 2);
    CommandRun help = run_twinos("boot --help");
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_TRUE(has(help.output, "--quantum")) << help.output;
}

}  // namespace
}  // namespace twinos::test
