// SPDX-License-Identifier: MIT
// PcapWriter: the monitor's log as classic pcap, through libpcap's own writer.
// Part of the monitor AP (preceding OS user space).
//
// libpcap writes the file (pcap_dump), so tcpdump and Wireshark read it by
// construction. Timestamps are nanoseconds (the "a1b23c4d" magic); the
// snapshot length is the largest slice a rule takes.
//
// Chapter: chapters/06-monitor-ap.rst.
#pragma once

#include <vector>

#include "monitor/log_writer.h"

struct pcap;
struct pcap_dumper;

namespace monitor {

/// Writes pcap with nanosecond timestamps.
class PcapWriter : public LogWriter {
public:
    /// Create `path` with snapshot length `snaplen`. @throws WriteError
    PcapWriter(const std::string& path, std::uint32_t snaplen);
    ~PcapWriter() override;

    void write(const capture::RecordHeader& header, std::span<const std::byte> slice,
               std::uint64_t lost_before) override;
    void finish(const CaptureTotals& totals) override;

private:
    std::string path_;
    // The stdio buffer libpcap writes through: large, so that a million
    // small records take a few hundred writes, not tens of thousands.
    std::vector<char> buffer_;
    pcap* dead_ = nullptr;
    pcap_dumper* dumper_ = nullptr;
};

}  // namespace monitor
