// SPDX-License-Identifier: MIT
// Chapter 6 tests: the correctness contract. For every Ethernet capture,
// `twinos run -r IN -w OUT.pcap [-s N] [FILTER]` writes exactly the packets
// libpcap's filter selects from IN, in order, with the same timestamps and
// original lengths, each cut to at most N bytes -- byte for byte.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "../common/libpcap_oracle.h"
#include "../common/run_twinos.h"

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

}  // namespace
}  // namespace twinos::test
