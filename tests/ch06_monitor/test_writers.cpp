// SPDX-License-Identifier: MIT
// Chapter 6 tests: the output formats -- read back by libpcap, byte for byte.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <optional>

#include "../common/libpcap_oracle.h"
#include "monitor/log_writer.h"
#include "monitor/packet_summary.h"
#include "monitor/pcapng_writer.h"
#include "pcapng_blocks.h"
#include "twinos/net/packet.h"

namespace twinos::test {
namespace {

namespace fs = std::filesystem;
using capture::Direction;
using capture::RecordHeader;

fs::path temp_file(const std::string& name) {
    return fs::temp_directory_path() / ("twinos-test-" + std::to_string(getpid()) + "-" + name);
}

struct Packet {
    RecordHeader header;
    std::vector<std::byte> bytes;
    std::int64_t time_ns;
};

std::vector<Packet> sample_packets() {
    std::vector<Packet> out;
    for (int i = 0; i < 50; ++i) {
        Packet p;
        p.bytes.resize(14 + (i * 37) % 1500);
        for (std::size_t k = 0; k < p.bytes.size(); ++k) p.bytes[k] = std::byte(i + k);
        p.header.original_length = static_cast<std::uint32_t>(p.bytes.size() + (i % 3) * 100);
        p.header.captured_length = static_cast<std::uint32_t>(p.bytes.size());
        p.header.direction = i % 4 == 0 ? Direction::Tx : Direction::Rx;
        p.time_ns = 1'700'000'000'000'000'000ll + i * 1'234'567ll;
        p.header.timestamp_ns = static_cast<std::uint64_t>(p.time_ns);
        out.push_back(std::move(p));
    }
    return out;
}

// Read `path` with libpcap, expecting a clean end.
OracleFile read_back(const fs::path& path) {
    OracleFile file = read_with_libpcap(path);
    EXPECT_EQ(file.error, "") << path;
    return file;
}

void expect_same(const std::vector<Packet>& written, const std::vector<OracleRecord>& read) {
    ASSERT_EQ(read.size(), written.size());
    for (std::size_t i = 0; i < read.size(); ++i) {
        EXPECT_EQ(read[i].bytes, written[i].bytes) << i;
        EXPECT_EQ(read[i].original_length, written[i].header.original_length) << i;
        EXPECT_EQ(read[i].time_ns, written[i].time_ns) << i;
    }
}

TEST(PcapOutput, LibpcapReadsBackEveryPacketWithNanosecondTimes) {
    const fs::path path = temp_file("a.pcap");
    const auto packets = sample_packets();
    auto writer = monitor::open_writer(monitor::Format::Pcap, path, 1536);
    for (const Packet& p : packets) writer->write(p.header, p.bytes, 0);
    writer->finish({packets.size(), 0, packets.size()});
    const OracleFile file = read_back(path);
    expect_same(packets, file.records);
    EXPECT_EQ(file.snaplen, 1536);
    fs::remove(path);
}

// The sample packets written to a pcapng file, packet 7 with 5 losses before
// it, and closed with `totals` (by default: 5 lost, every packet matched).
fs::path write_pcapng(const std::string& name, const std::vector<Packet>& packets,
                      std::optional<monitor::CaptureTotals> totals = std::nullopt) {
    const fs::path path = temp_file(name);
    auto writer = monitor::open_writer(monitor::Format::Pcapng, path, 1536);
    for (std::size_t i = 0; i < packets.size(); ++i) {
        writer->write(packets[i].header, packets[i].bytes, i == 7 ? 5 : 0);
    }
    writer->finish(totals.value_or(monitor::CaptureTotals{packets.size(), 5, packets.size() + 5}));
    return path;
}

// Where an EPB's options start: after 20 bytes of fields and the padded packet.
std::size_t epb_options_at(const Packet& p) { return 20 + (p.bytes.size() + 3) / 4 * 4; }

TEST(PcapngOutput, LibpcapReadsBackEveryPacketWithItsLengthsAndTime) {
    const auto packets = sample_packets();
    const fs::path path = write_pcapng("a.pcapng", packets);
    const OracleFile file = read_back(path);
    expect_same(packets, file.records);
    EXPECT_EQ(file.snaplen, 1536);
    const auto all = blocks(path);
    ASSERT_EQ(all.size(), 2 + packets.size() + 1);  // SHB, IDB, EPBs, ISB
    EXPECT_EQ(all.front().first, monitor::PcapngWriter::kSectionHeader);
    EXPECT_EQ(all[1].first, monitor::PcapngWriter::kInterfaceDescription);
    for (std::size_t i = 0; i < packets.size(); ++i)
        EXPECT_EQ(all[2 + i].first, monitor::PcapngWriter::kEnhancedPacket) << i;
    EXPECT_EQ(all.back().first, monitor::PcapngWriter::kInterfaceStatistics);
    fs::remove(path);
}

TEST(PcapngOutput, EveryPacketBlockCarriesItsDirectionAndDropCount) {
    const auto packets = sample_packets();
    const fs::path path = write_pcapng("flags.pcapng", packets);
    const auto all = blocks(path);
    ASSERT_EQ(all.size(), 2 + packets.size() + 1);
    for (std::size_t i = 0; i < packets.size(); ++i) {
        const auto& [type, body] = all[2 + i];
        ASSERT_EQ(type, monitor::PcapngWriter::kEnhancedPacket);
        const std::size_t at = epb_options_at(packets[i]);
        EXPECT_EQ(option(body, at, 2), packets[i].header.direction == Direction::Rx ? 1u : 2u) << i;
        EXPECT_EQ(option(body, at, 4), i == 7 ? std::optional<std::uint64_t>(5) : std::nullopt)
            << i;
    }
    fs::remove(path);
}

// A reader walks options until opt_endofopt; a list that just stops at the
// end of the block is not what the format says, and some readers reject it.
TEST(PcapngOutput, EveryOptionListEndsWithEndOfOptions) {
    const auto packets = sample_packets();
    const fs::path path = write_pcapng("eoo.pcapng", packets);
    const auto all = blocks(path);
    ASSERT_EQ(all.size(), 2 + packets.size() + 1);
    for (std::size_t i = 0; i < packets.size(); ++i) {
        EXPECT_EQ(options_end(all[2 + i].second, epb_options_at(packets[i])), "") << "EPB " << i;
    }
    EXPECT_EQ(options_end(all.back().second, 12), "") << "ISB";
    fs::remove(path);
}

TEST(PcapngOutput, TheStatisticsBlockCarriesTheRunsCounts) {
    const auto packets = sample_packets();
    monitor::CaptureTotals totals;
    totals.captured = packets.size();
    totals.lost = 3;
    totals.too_big = 2;
    totals.matched = packets.size() + 5;
    totals.interface_received = 900;
    totals.interface_dropped = 40;
    const fs::path path = write_pcapng("stats.pcapng", packets, totals);
    const auto all = blocks(path);
    ASSERT_GE(all.size(), 3u) << "no statistics block";
    const auto& [isb, body] = all.back();
    ASSERT_EQ(isb, monitor::PcapngWriter::kInterfaceStatistics);
    EXPECT_EQ(option(body, 12, 4), 900u);                // isb_ifrecv
    EXPECT_EQ(option(body, 12, 5), 40u);                 // isb_ifdrop
    EXPECT_EQ(option(body, 12, 6), packets.size() + 5);  // isb_filteraccept
    EXPECT_EQ(option(body, 12, 7), 5u);                  // isb_osdrop: overwritten + too big
    fs::remove(path);
}

TEST(PcapngOutput, TheStatisticsBlockIsStampedWithTheLastPacketsTimeHighWordFirst) {
    const auto packets = sample_packets();
    const fs::path path = write_pcapng("stats-time.pcapng", packets);
    const auto all = blocks(path);
    ASSERT_GE(all.size(), 3u) << "no statistics block";
    const auto& [isb, body] = all.back();
    ASSERT_EQ(isb, monitor::PcapngWriter::kInterfaceStatistics);
    ASSERT_GE(body.size(), 12u);
    const auto end = static_cast<std::uint64_t>(packets.back().time_ns);
    auto word = [&](std::size_t at) {
        std::uint32_t v = 0;
        for (int i = 3; i >= 0; --i) v = v << 8 | std::to_integer<std::uint32_t>(body[at + i]);
        return v;
    };
    EXPECT_EQ(word(0), 0u) << "interface 0";
    EXPECT_EQ(word(4), end >> 32) << "the block's timestamp, upper word";
    EXPECT_EQ(word(8), end & 0xffffffffu) << "the block's timestamp, lower word";
    // isb_endtime: the same time as two 32-bit words, upper first.
    const auto words = option(body, 12, 3);
    ASSERT_TRUE(words.has_value()) << "no isb_endtime";
    EXPECT_EQ(*words & 0xffffffffu, end >> 32) << "upper word first";
    EXPECT_EQ(*words >> 32, end & 0xffffffffu);
    fs::remove(path);
}

TEST(PcapngOutput, WiresharksReaderSeesEveryPacketAndItsDropCount) {
    ASSERT_TRUE(fs::exists("/usr/bin/tshark")) << "scripts/install-deps.sh installs tshark";
    const fs::path path = temp_file("t.pcapng"), fields = temp_file("t.txt");
    const auto packets = sample_packets();
    auto writer = monitor::open_writer(monitor::Format::Pcapng, path, 1536);
    for (std::size_t i = 0; i < packets.size(); ++i) {
        writer->write(packets[i].header, packets[i].bytes, i % 10 == 3 ? 2 : 0);
    }
    writer->finish({packets.size(), 10, packets.size() + 10});
    const std::string command = "tshark -r " + path.string() +
                                " -T fields -e frame.cap_len -e frame.len -e frame.drop_count -e "
                                "frame.p2p_dir -e frame.time_epoch > " +
                                fields.string() + " 2>/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0);
    std::ifstream in(fields);
    std::string line;
    std::size_t i = 0;
    unsigned long long drops = 0;
    while (std::getline(in, line)) {
        ASSERT_LT(i, packets.size());
        unsigned cap = 0, len = 0;
        ASSERT_GE(std::sscanf(line.c_str(), "%u\t%u", &cap, &len), 2) << line;
        EXPECT_EQ(cap, packets[i].bytes.size()) << i;
        EXPECT_EQ(len, packets[i].header.original_length) << i;
        // Split on tabs: an empty field (no drops) must stay empty.
        std::vector<std::string> f;
        std::size_t from = 0, tab;
        while ((tab = line.find('\t', from)) != std::string::npos) {
            f.push_back(line.substr(from, tab - from));
            from = tab + 1;
        }
        f.push_back(line.substr(from));
        ASSERT_EQ(f.size(), 5u) << line;
        // The EPB's timestamp as Wireshark reads it: seconds.nanoseconds.
        const auto t = static_cast<std::uint64_t>(packets[i].time_ns);
        char want[32];
        std::snprintf(want, sizeof want, "%llu.%09llu", (unsigned long long)(t / 1000000000),
                      (unsigned long long)(t % 1000000000));
        EXPECT_EQ(f[4], want) << "frame.time_epoch " << i;
        if (!f[2].empty()) drops += std::stoull(f[2]);
        EXPECT_EQ(f[3], packets[i].header.direction == Direction::Rx ? "1" : "0")
            << "p2p_dir " << line;
        ++i;
    }
    EXPECT_EQ(i, packets.size());
    EXPECT_EQ(drops, 10u);
    fs::remove(path);
    fs::remove(fields);
}

TEST(TextOutput, OneLinePerPacketWithItsHeadersAndTheTotals) {
    const fs::path path = temp_file("a.txt");
    std::vector<std::byte> udp;
    net::build_udp_frame(udp, {{2, 0, 0, 0, 0, 1}, 0x0a000001, 7},
                         {{2, 0, 0, 0, 0, 2}, 0x0a000002, 5001}, std::vector<std::byte>(30), 1);
    RecordHeader h;
    h.original_length = static_cast<std::uint32_t>(udp.size());
    h.rule_id = 3;
    auto writer = monitor::open_writer(monitor::Format::Text, path, 1536);
    h.timestamp_ns = 1'700'000'000'000'000'020ull;
    writer->write(h, udp, 0);
    h.timestamp_ns = 1'700'000'000'000'001'000ull;
    writer->write(h, std::span(udp).first(20), 2);
    writer->finish({2, 2, 4});
    std::ifstream in(path);
    std::string a, b, c, d;
    std::getline(in, a);
    std::getline(in, b);
    std::getline(in, c);
    std::getline(in, d);
    EXPECT_EQ(a,
              "1700000000.000000020 rx 72/72 rule 3 02:00:00:00:00:01 > 02:00:00:00:00:02, IPv4 "
              "10.0.0.1.7 > 10.0.0.2.5001: UDP, length 30");
    EXPECT_EQ(b, "# 2 records lost to overwrite");
    EXPECT_EQ(c,
              "1700000000.000001000 rx 20/72 rule 3 02:00:00:00:00:01 > 02:00:00:00:00:02, IPv4 "
              "[|truncated]");
    EXPECT_EQ(d, "# captured 2, lost 2, matched 4");
    fs::remove(path);
}

TEST(PacketSummary, DescribesTheCommonProtocolsAndSaysWhenCutShort) {
    auto bytes = [](std::initializer_list<int> v) {
        std::vector<std::byte> b;
        for (int x : v) b.push_back(std::byte(x));
        return b;
    };
    // ARP request 10.0.0.2 asking for 10.0.0.1, in a VLAN 5 tag.
    auto arp = bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0,  2, 0x81, 0x00, 0x00, 0x05,
                      0x08, 0x06, 0,    1,    8,    0,    6, 4, 0, 1, 2,  0, 0,    0,    0,    2,
                      10,   0,    0,    2,    0,    0,    0, 0, 0, 0, 10, 0, 0,    1});
    EXPECT_EQ(monitor::summarize(arp, 0),
              "02:00:00:00:00:02 > ff:ff:ff:ff:ff:ff, vlan 5, ARP, Request who-has 10.0.0.1 tell "
              "10.0.0.2");
    EXPECT_EQ(monitor::summarize(std::span(arp).first(10), 0), "Ethernet [|truncated]");
    EXPECT_EQ(monitor::summarize(std::span(arp).subspan(14), 14), "32 bytes from offset 14");
}

TEST(OutputErrors, AnUncreatableFileIsNamedInTheError) {
    try {
        monitor::open_writer(monitor::Format::Pcapng, "/nonexistent-dir/x.pcapng", 64);
        FAIL() << "no error";
    } catch (const monitor::WriteError& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/x.pcapng: cannot create"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_THROW(monitor::open_writer(monitor::Format::Pcap, "/nonexistent-dir/x.pcap", 64),
                 monitor::WriteError);
}

// In a child process whose files may not grow past `limit` bytes, write
// `rounds` x 50 packets in `format`; the child exits 0 when the writer
// reported the failed write, 1 when the limit never bit, 3 when it was
// stopped by `_exit` after `kill_after` packets (a SIGKILL stand-in: no
// destructor, no flush).
int write_in_child(monitor::Format format, const fs::path& path, rlim_t limit, int rounds,
                   int kill_after = -1) {
    const pid_t child = fork();
    if (child == 0) {
        std::signal(SIGXFSZ, SIG_IGN);
        rlimit fsize{limit, limit};
        setrlimit(RLIMIT_FSIZE, &fsize);
        const auto packets = sample_packets();
        int written = 0;
        try {
            auto writer = monitor::open_writer(format, path, 1536);
            for (int round = 0; round < rounds; ++round) {
                for (const Packet& p : packets) {
                    if (written++ == kill_after) _exit(3);
                    writer->write(p.header, p.bytes, 0);
                }
            }
            writer->finish({});
        } catch (const monitor::WriteError& e) {
            _exit(std::string(e.what()).find("write failed") != std::string::npos ? 0 : 2);
        }
        _exit(1);
    }
    int status = 0;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

TEST(OutputErrors, AFullDiskLeavesAValidFileUpToTheLastWholePacket) {
    // The writer hits EFBIG partway, reports it, and the file must still read.
    const fs::path path = temp_file("full.pcapng");
    ASSERT_EQ(write_in_child(monitor::Format::Pcapng, path, 200'000, 20), 0)
        << "the writer did not report the full disk";
    EXPECT_GT(read_back(path).records.size(), 50u);  // and a clean end
    EXPECT_LE(fs::file_size(path), 200'000u);
    fs::remove(path);
}

// The same for classic pcap, written by libpcap through a stdio buffer: the
// file is cut back to its last whole record, so tcpdump never says
// "truncated dump file". The limit falls inside a record on purpose.
TEST(OutputErrors, AFullDiskLeavesAValidPcapUpToTheLastWholePacket) {
    for (rlim_t limit : {rlim_t{200'000}, rlim_t{300'001}, rlim_t{1'000'003}}) {
        SCOPED_TRACE("file size limit " + std::to_string(limit));
        const fs::path path = temp_file("full.pcap");
        ASSERT_EQ(write_in_child(monitor::Format::Pcap, path, limit, 40), 0)
            << "the writer did not report the full disk";
        const OracleFile file = read_back(path);
        EXPECT_GT(file.records.size(), 50u);
        EXPECT_LE(fs::file_size(path), limit);
        fs::remove(path);
    }
}

// Killed without a chance to flush, a pcap file still ends at a record
// boundary: the writer flushes its buffer itself, always after a whole record.
TEST(OutputErrors, AKilledWriterLeavesAPcapOfWholeRecords) {
    const fs::path path = temp_file("killed.pcap");
    ASSERT_EQ(write_in_child(monitor::Format::Pcap, path, RLIM_INFINITY, 100, 3'777), 3);
    const OracleFile file = read_back(path);
    EXPECT_GT(file.records.size(), 1'000u) << "the buffer was flushed on the way";
    EXPECT_LT(file.records.size(), 3'777u) << "the last buffer never reached the file";
    fs::remove(path);
}

}  // namespace
}  // namespace twinos::test
