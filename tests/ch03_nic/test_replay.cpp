// SPDX-License-Identifier: MIT
// Chapter 3 tests: replaying real captures into the original machine. The
// oracle is libpcap reading the same file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "../common/libpcap_oracle.h"
#include "driver_bench.h"
#include "twinos/edge/capture_generator.h"
#include "twinos/edge/pcap_replay.h"

namespace twinos::test {
namespace {

namespace fs = std::filesystem;
const fs::path kPcaps = fs::path(TWINOS_TEST_DATA) / "pcaps";

// Every record of `path` as libpcap sees it.
std::vector<OracleRecord> oracle(const fs::path& path) {
    OracleFile file = read_with_libpcap(path);
    EXPECT_EQ(file.error, "");
    return std::move(file.records);
}

struct ReplayRun {
    std::vector<std::vector<std::byte>> received;
    std::optional<std::string> error;
    os::DriverStats driver;
    LinkCounters wire;
};

ReplayRun replay(const fs::path& path, std::uint32_t rx_buffer) {
    auto source = edge::PcapReplay::open(path);
    os::DriverOptions options;
    options.rx_buffer_bytes = rx_buffer;
    options.promiscuous = true;  // replay: receive everything, as tcpdump would
    DriverBench b(options);
    b.machine().link().play(*source, b.machine().clock().now());
    while (b.machine().link().playing()) b.twin().run_until(b.machine().link().next_arrival());
    b.run_for(milliseconds(1));
    return {std::move(b.received), source->error(), b.driver().stats(),
            b.machine().link().counters()};
}

std::vector<fs::path> files_in(const fs::path& dir) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir)) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

TEST(Replay, EveryEthernetFileDeliversItsFramesInOrderByteForByte) {
    const auto files = files_in(kPcaps / "ethernet");
    ASSERT_EQ(files.size(), 44u);
    for (const fs::path& file : files) {
        SCOPED_TRACE(file.filename().string());
        const auto expected = oracle(file);
        // The largest buffer the 13-bit fragment length allows.
        const ReplayRun run = replay(file, 8191);
        EXPECT_FALSE(run.error.has_value()) << *run.error;
        std::size_t too_long = 0, next = 0;
        for (const OracleRecord& f : expected) {
            if (f.bytes.size() > 8191) {
                ++too_long;  // counted, never delivered in part
                continue;
            }
            ASSERT_LT(next, run.received.size()) << "frame missing";
            ASSERT_EQ(run.received[next], f.bytes) << "frame " << next;
            ++next;
        }
        EXPECT_EQ(next, run.received.size()) << "extra frames delivered";
        EXPECT_EQ(run.driver.rx_length_errors, too_long);
        EXPECT_EQ(run.wire.to_nic, expected.size());
    }
}

TEST(Replay, AtTheHardwareDefaultFramesLongerThan1536AreCountedNotDelivered) {
    const auto expected = oracle(kPcaps / "ethernet" / "gso-ipv4.pcap");
    ASSERT_EQ(expected.size(), 1u);
    ASSERT_GT(expected[0].bytes.size(), 1536u);
    const ReplayRun run = replay(kPcaps / "ethernet" / "gso-ipv4.pcap", 1536);
    EXPECT_TRUE(run.received.empty());
    EXPECT_EQ(run.driver.rx_length_errors, 1u);
}

TEST(Replay, TruncatedRecordsArriveAsCapturedAndAreCounted) {
    const ReplayRun run = replay(kPcaps / "ethernet" / "msnlb.pcap", 1536);
    ASSERT_EQ(run.received.size(), 2u);
    EXPECT_EQ(run.received[0].size(), 96u);  // captured with snaplen 96, 1510 on the wire
    EXPECT_EQ(run.wire.truncated, 2u);
}

TEST(Replay, NonMonotonicTimestampsAreCountedAndStillDeliveredInFileOrder) {
    const auto expected = oracle(kPcaps / "ethernet" / "mptcp-v0.pcap");
    const ReplayRun run = replay(kPcaps / "ethernet" / "mptcp-v0.pcap", 1536);
    EXPECT_GE(run.wire.non_monotonic, 1u);
    ASSERT_EQ(run.received.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(run.received[i], expected[i].bytes);
}

TEST(Replay, ACutFileDeliversTheFramesBeforeTheDamageAndSaysWhere) {
    const ReplayRun run = replay(kPcaps / "odd" / "dns_tcp.cut-mid-packet.pcap", 1536);
    EXPECT_EQ(run.received.size(), 10u);
    ASSERT_TRUE(run.error.has_value());
    EXPECT_NE(run.error->find("record 11 (byte offset 1052)"), std::string::npos) << *run.error;
    EXPECT_NE(run.error->find("tried to read 54 captured bytes, only got 32"), std::string::npos);
    const ReplayRun header = replay(kPcaps / "odd" / "dns_tcp.cut-mid-record-header.pcap", 1536);
    EXPECT_EQ(header.received.size(), 10u);
    ASSERT_TRUE(header.error.has_value());
    EXPECT_NE(header.error->find("record 11 (byte offset 1052)"), std::string::npos)
        << *header.error;
}

TEST(Replay, AFileLongerThanTheReadBufferIsReadWholeAndInOrder) {
    // 3 000 frames of up to 1514 bytes: a few MiB, several fills of the
    // stream's 64 KiB buffer, with records straddling the fills.
    const fs::path file =
        fs::temp_directory_path() / ("twinos-long-" + std::to_string(::getpid()) + ".pcap");
    edge::GeneratedCapture what;
    what.frames = 3000;
    what.frame_sizes = {1514, 64, 999, 1200};
    edge::write_generated_capture(file.string(), what);
    const std::vector<OracleRecord> want = oracle(file);
    auto source = edge::PcapReplay::open(file);
    std::int64_t ts = 0;
    WireFrame frame;
    std::size_t n = 0;
    while (source->next(ts, frame)) {
        ASSERT_LT(n, want.size());
        ASSERT_EQ(frame.bytes, want[n].bytes) << "record " << n + 1;
        ASSERT_EQ(ts, want[n].time_ns) << "record " << n + 1;
        ++n;
    }
    EXPECT_FALSE(source->error().has_value());
    EXPECT_EQ(n, 3000u);
    fs::remove(file);
}

TEST(Replay, AMissingFileIsNamedWithTheReason) {
    try {
        edge::PcapReplay::open("/nonexistent/capture.pcap");
        ADD_FAILURE() << "opened a file that does not exist";
    } catch (const edge::ReplayError& e) {
        EXPECT_EQ(std::string(e.what()), "/nonexistent/capture.pcap: No such file or directory");
    }
}

// What opening each odd file must say (a substring of the error), or "" when
// libpcap reads it as Ethernet and the replay must deliver what libpcap reads.
const std::map<std::string, std::string> kOddOutcomes = {
    {"LINKTYPE_IPV6.pcap", "is not Ethernet"},
    {"LINKTYPE_RAW_ipv4.pcap", "(RAW: Raw IP) is not Ethernet"},
    {"aoe-oobr-1.pcap", ""},
    {"bgp_mp_reach_nlri-oobr.pcap", ""},
    {"dns_tcp.cut-mid-file-header.pcap", "byte offset 0 (file header): truncated dump file"},
    {"dns_tcp.cut-mid-packet.pcap", ""},
    {"dns_tcp.cut-mid-record-header.pcap", ""},
    {"icmpv6-RFC2894-RR.pcap", "(NULL: BSD loopback) is not Ethernet"},
    {"linktype-reserved-field-not-zero.pcap", "is not Ethernet"},
    {"lisp_invalid_length.pcap", ""},
    {"pcap-invalid-version-1.pcap", "byte offset 0 (file header): archaic pcap savefile format"},
    {"pcap-invalid-version-2.pcap", "unsupported pcap savefile version 2.5"},
    {"pcapng-invalid-vers-1.pcapng", "unsupported pcapng savefile version 0.1"},
    {"pcapng-invalid-vers-2.pcapng", "unsupported pcapng savefile version 1.1"},
    {"shb-option-too-long.pcapng", "block total length in header and trailer don't match"},
    {"tcp-handshake-nano.pcap", "(LINUX_SLL: Linux cooked v1) is not Ethernet"},
    {"timestamp_invalid_micro.pcap", "(LINUX_SLL: Linux cooked v1) is not Ethernet"},
    {"unsupported-link-type-160.pcap", "link type 160"},
};

TEST(Replay, EveryOddFileGivesItsClearErrorOrItsDefinedFrames) {
    const auto files = files_in(kPcaps / "odd");
    ASSERT_EQ(files.size(), kOddOutcomes.size());
    for (const fs::path& file : files) {
        const std::string name = file.filename().string();
        SCOPED_TRACE(name);
        ASSERT_TRUE(kOddOutcomes.count(name)) << "no expected outcome for this file";
        const std::string& want = kOddOutcomes.at(name);
        if (!want.empty()) {
            try {
                edge::PcapReplay::open(file);
                ADD_FAILURE() << "opened without error";
            } catch (const edge::ReplayError& e) {
                EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
                EXPECT_EQ(std::string(e.what()).rfind(file.string(), 0), 0u) << "names the file";
            }
        } else {
            EXPECT_NO_THROW(edge::PcapReplay::open(file));
        }
    }
}

}  // namespace
}  // namespace twinos::test
