// SPDX-License-Identifier: MIT
// Chapter 3 tests: `twinos run --original`, run as a real process.
#include <gtest/gtest.h>

#include "../common/run_twinos.h"

namespace twinos::test {
namespace {

const std::string kEthernet = std::string(TWINOS_TEST_DATA) + "/pcaps/ethernet/";
const std::string kOdd = std::string(TWINOS_TEST_DATA) + "/pcaps/odd/";

TEST(RunCommand, ScenarioReportsEveryLayerAndFiveIoPerInterrupt) {
    CommandRun r = run_twinos("run --original -c 50 --sizes 1514");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(has(r.output, "client  requested=50 received=50 corrupt=0")) << r.output;
    EXPECT_TRUE(has(r.output, "io_per_interrupt=5.00")) << r.output;
    EXPECT_TRUE(has(r.output, "nic     uploaded=50 ")) << r.output;
    EXPECT_TRUE(has(r.output, "switches total=")) << r.output;
}

TEST(RunCommand, ReplayReportsWhatArrived) {
    CommandRun r = run_twinos("run --original -r " + kEthernet + "afs.pcap");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(has(r.output, "wire    frames=601 bytes=512276 truncated=0")) << r.output;
    EXPECT_TRUE(has(r.output, "driver  interrupts=601 rx_packets=601")) << r.output;
}

TEST(RunCommand, CountStopsTheReplay) {
    CommandRun r = run_twinos("run --original -c 7 -r " + kEthernet + "afs.pcap");
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(has(r.output, "wire    frames=7 ")) << r.output;
}

TEST(RunCommand, ADamagedFileIsAnInputErrorAfterTheFramesBeforeIt) {
    CommandRun r = run_twinos("run --original -r " + kOdd + "dns_tcp.cut-mid-packet.pcap");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(has(r.output, "dns_tcp.cut-mid-packet.pcap: record 11 (byte offset 1052)"))
        << r.output;
    EXPECT_TRUE(has(r.output, "rx_packets=10 ")) << r.output;  // what came before is kept
}

TEST(RunCommand, NonEthernetMissingAndBadOptionsAreRefusedBeforeAnythingRuns) {
    CommandRun raw = run_twinos("run --original -r " + kOdd + "LINKTYPE_RAW_ipv4.pcap");
    EXPECT_EQ(raw.exit_code, 2);
    EXPECT_TRUE(has(raw.output, "is not Ethernet")) << raw.output;
    EXPECT_FALSE(has(raw.output, "halt")) << raw.output;
    CommandRun missing = run_twinos("run --original -r /nonexistent.pcap");
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_TRUE(has(missing.output, "/nonexistent.pcap")) << missing.output;
    CommandRun buffer = run_twinos("run --original --rx-buffer 9000");
    EXPECT_EQ(buffer.exit_code, 2);
    EXPECT_TRUE(has(buffer.output, "--rx-buffer: 9000 is not in 60..8191")) << buffer.output;
    CommandRun sizes = run_twinos("run --original --sizes 53,40");
    EXPECT_EQ(sizes.exit_code, 2);
    EXPECT_TRUE(has(sizes.output, "--sizes: '53,40' at column 4")) << sizes.output;
}

TEST(RunCommand, LiveWireOptionsAreCheckedBeforeAnyDeviceIsTouched) {
    // Each refused with its name, exit 2, nothing run, in both configurations.
    const std::pair<std::string, std::string> cases[] = {
        {"--duration 5s", "--duration: only for a live wire (-i TAP)"},
        {"--server 10.0.2.2:7007", "--server: only for a live wire (-i TAP)"},
        {"--address 10.0.2.15/24", "--address: only for a live wire (-i TAP)"},
        {"--create-tap", "--create-tap: only for a live wire (-i TAP)"},
        {"-i tap0 -r " + kEthernet + "afs.pcap", "give either -r FILE or -i TAP, not both"},
        {"-i tap0 --address 10.0.2", "--address: '10.0.2' is not an IPv4 address"},
        {"-i tap0 --server 10.9.9.9:7", "--server: 10.9.9.9 is not on the co-existing OS's subnet"},
        {"-i tap0 --duration 0s", "--duration: must be positive"},
        {"-i twinos-absent", "no such TAP device 'twinos-absent'"},
    };
    for (const std::string mode : {"--original ", ""}) {
        for (const auto& [args, message] : cases) {
            CommandRun r = run_twinos("run " + mode + args + " -w /dev/null");
            EXPECT_EQ(r.exit_code, 2) << args << r.output;
            EXPECT_TRUE(has(r.output, message)) << args << ": " << r.output;
            EXPECT_FALSE(has(r.output, "halt")) << r.output;
        }
    }
}

}  // namespace
}  // namespace twinos::test
