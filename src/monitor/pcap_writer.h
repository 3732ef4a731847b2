// SPDX-License-Identifier: MIT
// PcapWriter: the monitor's log as classic pcap, through libpcap's own writer.
// Part of the monitor AP (preceding OS user space).
//
// libpcap writes the file (pcap_dump), so tcpdump and Wireshark read it by
// construction. Timestamps are nanoseconds (the "a1b23c4d" magic); the
// snapshot length is the largest slice a rule takes.
//
// Whole records only, whatever happens: the stdio buffer is flushed by us,
// always at a record's end, before it could fill (so the file on disk ends
// at a record boundary even after SIGKILL); and when a write fails (a full
// disk, a file size limit), the file is cut back to the last whole record
// that reached it before the error is reported.
//
// Chapter: chapters/06-monitor-ap.rst.
#pragma once

#include <cstdint>
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
    std::vector<std::uint64_t> record_ends_;  // file offsets where buffered records end
    std::uint64_t on_disk_ = 0;               // file offset every flushed record ends by
    // Where the buffered records end (the buffer holds buffered_end() - on_disk_ bytes).
    std::uint64_t buffered_end() const {
        return record_ends_.empty() ? on_disk_ : record_ends_.back();
    }
    // Write the buffer out; on failure cut the file back and throw.
    void flush();
    // After a failed write: drop the buffer, cut the file to its last whole record.
    void cut_back_to_whole_records();
    pcap* dead_ = nullptr;
    pcap_dumper* dumper_ = nullptr;
};

}  // namespace monitor
