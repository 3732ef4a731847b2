// SPDX-License-Identifier: MIT
// LogWriter: where the monitor AP's records end up -- pcap, pcapng or text.
// Part of the monitor AP (preceding OS user space).
//
// Paper §3.3 step (3) writes the log file; §5 names PCAP as the way forward.
// Each record the AP reads becomes one packet in the output:
//   - pcap (libpcap's own writer), nanosecond timestamps;
//   - pcapng (our writer: libpcap cannot write it), with the direction in
//     each packet's flags, the records lost before it in its drop count, and
//     a final statistics block with the total lost to overwrite;
//   - text, one human-readable line per packet, as the paper's own log was.
//
// A slice taken from an offset other than 0 does not start with an Ethernet
// header, so it is not an Ethernet frame: pcap and pcapng refuse such rules
// at start-up (with a message saying which rule), text records them as they
// are, with the offset.
//
// Errors (an unwritable file, a full disk) throw WriteError naming the file;
// what was written before stays a valid file up to the last whole packet.
//
// Chapter: chapters/06-monitor-ap.rst.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>

#include "capture/record_format.h"

namespace monitor {

/// The output could not be written; the message names the file and why.
class WriteError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// What the output knows at the end.
struct CaptureTotals {
    std::uint64_t captured = 0;  ///< Packets written.
    std::uint64_t lost = 0;      ///< Records lost to overwrite before they were read.
    std::uint64_t matched = 0;   ///< Packets a rule accepted.
    std::uint64_t too_big = 0;   ///< Records larger than the whole log area, never written.
    std::uint64_t interface_received = 0;  ///< Frames the wire brought to the card.
    std::uint64_t interface_dropped = 0;   ///< Of those, lost before the co-existing OS saw them.
};

/// One output file.
class LogWriter {
public:
    virtual ~LogWriter() = default;
    /// Write one packet: its record header (its time is `timestamp_ns`, ns
    /// since the epoch), its slice, and how many records were lost just
    /// before it. @throws WriteError
    virtual void write(const capture::RecordHeader& header, std::span<const std::byte> slice,
                       std::uint64_t lost_before) = 0;
    /// Finish the file (pcapng: the statistics block) and close it. @throws WriteError
    virtual void finish(const CaptureTotals& totals) = 0;
};

/// The output formats.
enum class Format : std::uint8_t { Pcap, Pcapng, Text };

/// The format a file name implies: .pcapng, .txt/.log, else pcap.
Format format_for(const std::string& path);
/// The format called `name` ("pcap", "pcapng" or "text"); empty: the one
/// `path` implies. @throws std::invalid_argument naming an unknown format.
Format parse_format(const std::string& name, const std::string& path);

/// Open `path` for `format`; `snaplen` is the largest slice any rule takes.
/// @throws WriteError when the file cannot be created.
std::unique_ptr<LogWriter> open_writer(Format format, const std::string& path,
                                       std::uint32_t snaplen);

}  // namespace monitor
