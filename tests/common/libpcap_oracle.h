// SPDX-License-Identifier: MIT
// Test helper: a capture file as libpcap reads it -- the oracle the tests
// compare our replay, log and writers against.
#pragma once

#include <pcap/pcap.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace twinos::test {

/// One record as libpcap returns it, times at nanosecond precision.
struct OracleRecord {
    std::vector<std::byte> bytes;  ///< the captured bytes (caplen of them)
    std::uint32_t original_length;
    std::int64_t time_ns;
    bool operator==(const OracleRecord&) const = default;
};

/// Every record of a file, with the file's header facts.
struct OracleFile {
    std::vector<OracleRecord> records;
    int linktype = -1;
    int snaplen = 0;
    /// Empty when libpcap opened the file and read it to a clean end;
    /// otherwise what libpcap said (records read before the error are kept).
    std::string error;
};

/// Read `path` with libpcap, keeping only the records `filter` (a tcpdump
/// expression, compiled by libpcap) accepts when one is given.
inline OracleFile read_with_libpcap(const std::filesystem::path& path,
                                    const std::string& filter = "") {
    OracleFile file;
    char err[PCAP_ERRBUF_SIZE];
    pcap_t* p =
        pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
    if (p == nullptr) {
        file.error = err;
        return file;
    }
    file.linktype = pcap_datalink(p);
    file.snaplen = pcap_snapshot(p);
    bpf_program program{};
    if (!filter.empty() && pcap_compile(p, &program, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN)) {
        file.error = "filter '" + filter + "': " + pcap_geterr(p);
        pcap_close(p);
        return file;
    }
    pcap_pkthdr* h;
    const u_char* data;
    int r;
    while ((r = pcap_next_ex(p, &h, &data)) == 1) {
        if (!filter.empty() && pcap_offline_filter(&program, h, data) == 0) continue;
        const auto* b = reinterpret_cast<const std::byte*>(data);
        file.records.push_back(
            {{b, b + h->caplen},
             h->len,
             // Modulo 2^64, defined for any file (a test may hold a time
             // past what a signed nanosecond count can).
             static_cast<std::int64_t>(static_cast<std::uint64_t>(h->ts.tv_sec) * 1'000'000'000u +
                                       static_cast<std::uint64_t>(h->ts.tv_usec))});
    }
    if (r != PCAP_ERROR_BREAK) file.error = pcap_geterr(p);
    if (!filter.empty()) pcap_freecode(&program);
    pcap_close(p);
    return file;
}

}  // namespace twinos::test
