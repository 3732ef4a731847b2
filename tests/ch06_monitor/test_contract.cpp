// SPDX-License-Identifier: MIT
// Chapter 6 tests: the correctness contract. For every Ethernet capture,
// `twinos run -r IN -w OUT.pcap [-s N] [FILTER]` writes exactly the packets
// libpcap's filter selects from IN, in order, with the same timestamps and
// original lengths, each cut to at most N bytes -- byte for byte.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "../common/file_bytes.h"
#include "../common/libpcap_oracle.h"
#include "../common/run_twinos.h"
#include "pcapng_blocks.h"

namespace twinos::test {
namespace {

namespace fs = std::filesystem;
const fs::path kEthernet = fs::path(TWINOS_TEST_DATA) / "pcaps/ethernet";

// Classic pcap keeps seconds in 32 bits, which libpcap reads back signed: a
// time past 2106 wraps (pcapng keeps it). What a pcap of `ns` reads back as.
std::int64_t as_pcap_time(std::int64_t ns) {
    std::int64_t s = ns / 1'000'000'000;
    if (ns % 1'000'000'000 < 0) --s;
    const std::int64_t fraction = ns - s * 1'000'000'000;
    const auto s32 = static_cast<std::int32_t>(static_cast<std::uint32_t>(s));
    return std::int64_t{s32} * 1'000'000'000 + fraction;
}

// The packets of `path` libpcap's `filter` selects.
std::vector<OracleRecord> read(const fs::path& path, const std::string& filter = "") {
    OracleFile file = read_with_libpcap(path, filter);
    EXPECT_EQ(file.error, "") << path;
    return std::move(file.records);
}

// What the machine can carry: frames up to the largest 3c905 buffer.
std::vector<OracleRecord> receivable(const fs::path& path, const std::string& filter,
                                     std::uint32_t snap) {
    std::vector<OracleRecord> all = read(path, filter);
    std::vector<OracleRecord> out;
    for (OracleRecord& p : all) {
        if (p.bytes.size() > 8191) continue;  // counted as too long, never delivered
        if (p.bytes.size() > snap) p.bytes.resize(snap);
        p.time_ns = as_pcap_time(p.time_ns);
        out.push_back(std::move(p));
    }
    return out;
}

void check_file(const fs::path& in, const std::string& filter, std::uint32_t snap) {
    const fs::path out =
        fs::temp_directory_path() / ("twinos-contract-" + std::to_string(getpid()) + ".pcap");
    const std::string args = "run -r " + in.string() + " -w " + out.string() +
                             " --rx-buffer 8191 -s " + std::to_string(snap) +
                             (filter.empty() ? "" : " '" + filter + "'");
    const CommandRun r = run_twinos(args);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(has(r.output, " lost=0 ")) << r.output;
    const auto want = receivable(in, filter, snap);
    const auto got = read(out);
    ASSERT_EQ(got.size(), want.size()) << r.output;
    for (std::size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], want[i]) << "packet " << i;
    fs::remove(out);
}

TEST(Contract, EveryEthernetCaptureIsLoggedExactlyWholeFrames) {
    std::size_t files = 0;
    for (const auto& e : fs::directory_iterator(kEthernet)) {
        SCOPED_TRACE(e.path().filename().string());
        check_file(e.path(), "", 65535);
        ++files;
    }
    EXPECT_EQ(files, 44u);
}

TEST(Contract, FilteredAndCutToFiftyFourBytes) {
    for (const char* name :
         {"afs.pcap", "mptcp-v0.pcap", "ipv6-routing-header.pcap", "802.1ad_QinQ.pcap"}) {
        SCOPED_TRACE(name);
        check_file(kEthernet / name, "udp or tcp", 54);
    }
}

// Captures we made ourselves between two Linux stacks (tests/data/pcaps/linux):
// bursts far faster than the card takes them at their recorded times.
const fs::path kLinux = fs::path(TWINOS_TEST_DATA) / "pcaps/linux";

std::vector<fs::path> linux_captures() {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(kLinux)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}

// The number after `key` in `text`, or -1.
long long number_after(const std::string& text, const std::string& key) {
    const auto at = text.find(key);
    return at == std::string::npos ? -1 : std::atoll(text.c_str() + at + key.size());
}

TEST(Contract, RealLinuxCapturesAreLoggedWholeWithTheDefaultPace) {
    const auto files = linux_captures();
    ASSERT_EQ(files.size(), 3u);
    long long held = 0;
    for (const fs::path& in : files) {
        SCOPED_TRACE(in.filename().string());
        check_file(in, "", 65535);
        const fs::path out =
            fs::temp_directory_path() / ("twinos-linux-" + std::to_string(getpid()) + ".pcap");
        const CommandRun r = run_twinos("run -r " + in.string() + " -w " + out.string());
        ASSERT_EQ(r.exit_code, 0) << r.output;
        EXPECT_FALSE(has(r.output, "warning")) << r.output;
        held += number_after(r.output, " held=");
        fs::remove(out);
    }
    EXPECT_GT(held, 0) << "the bursts should have made the wire wait";
}

TEST(Contract, WithTheRecordedPaceEveryRecordIsExactAndTheDropsAreTheLedgers) {
    bool overran = false;
    for (const fs::path& in : linux_captures()) {
        SCOPED_TRACE(in.filename().string());
        const std::string tag = std::to_string(getpid());
        const fs::path out = fs::temp_directory_path() / ("twinos-recorded-" + tag + ".pcapng");
        const fs::path json = fs::temp_directory_path() / ("twinos-recorded-" + tag + ".json");
        const CommandRun r = run_twinos("run --pace recorded -r " + in.string() + " -w " +
                                        out.string() + " --stats-json " + json.string());
        ASSERT_EQ(r.exit_code, 0) << r.output;
        const std::string stats = bytes_of(json);
        const long long overrun = number_after(stats, "\"wire_overrun\": ");
        const long long wire_in = number_after(stats, "\"wire_in\": ");
        ASSERT_GE(overrun, 0) << stats;
        EXPECT_TRUE(has(stats, "\"ledger_balanced\": true")) << stats;
        if (overrun > 0) {
            overran = true;
            EXPECT_TRUE(has(r.output, "warning: " + std::to_string(overrun) + " frames lost"))
                << r.output;
        }
        // Every record written is one of the capture's frames, exact, in order.
        const auto want = receivable(in, "", 65535);
        const auto got = read(out);
        EXPECT_EQ(static_cast<long long>(got.size()), wire_in - overrun);
        std::size_t k = 0;
        for (const OracleRecord& g : got) {
            while (k < want.size() && !(want[k] == g)) ++k;
            ASSERT_LT(k, want.size()) << "a record that is not in the capture, or out of order";
            ++k;
        }
        // The file's statistics block says the same as the ledger.
        const auto blocks_of = blocks(out);
        ASSERT_FALSE(blocks_of.empty());
        EXPECT_EQ(option(blocks_of.back().second, 12, 4), static_cast<std::uint64_t>(wire_in));
        EXPECT_EQ(option(blocks_of.back().second, 12, 5), static_cast<std::uint64_t>(overrun));
        fs::remove(out);
        fs::remove(json);
    }
    EXPECT_TRUE(overran) << "at least one capture should overrun the card at its recorded times";
}

}  // namespace
}  // namespace twinos::test
