// SPDX-License-Identifier: MIT
// PcapngWriter: the monitor's log as pcapng, which libpcap can read but not write.
// Part of the monitor AP (preceding OS user space).
//
// Layout (little-endian, every block a multiple of 4 bytes, its total length
// at both ends):
//   - a Section Header Block (type 0x0A0D0D0A, byte-order magic 0x1A2B3C4D,
//     version 1.0, section length -1, shb_userappl "twinos");
//   - one Interface Description Block: Ethernet, the snapshot length, if_name
//     "twinos0", if_tsresol 9 (nanoseconds);
//   - one Enhanced Packet Block per packet: timestamp, captured and original
//     length, the slice padded to 4 bytes, and options epb_flags (bits 0-1:
//     1 inbound, 2 outbound) and, when records were lost just before it,
//     epb_dropcount;
//   - at the end, an Interface Statistics Block whose isb_osdrop is the
//     number of records lost to overwrite and isb_filteraccept the number a
//     rule matched.
//
// Facts: chapters/appendix-facts.rst, "pcapng". Chapter: chapters/06-monitor-ap.rst.
#pragma once

#include <vector>

#include "monitor/file_sink.h"
#include "monitor/log_writer.h"

namespace monitor {

/// Writes pcapng.
class PcapngWriter : public LogWriter {
public:
    /// Block types and option codes used.
    static constexpr std::uint32_t kSectionHeader = 0x0A0D0D0A;
    static constexpr std::uint32_t kInterfaceDescription = 1;  ///< IDB.
    static constexpr std::uint32_t kInterfaceStatistics = 5;   ///< ISB.
    static constexpr std::uint32_t kEnhancedPacket = 6;        ///< EPB.

    /// Create `path` and write the section and interface headers.
    PcapngWriter(const std::string& path, std::uint32_t snaplen);

    // [monitor:pcapng-contract]
    /// One Enhanced Packet Block: interface 0, the timestamp in nanoseconds
    /// as two 32-bit words (upper first), the captured and original length,
    /// the slice padded to 4 bytes; options epb_flags (1 received, 2
    /// transmitted), epb_dropcount = `lost_before` when it is not 0, and the
    /// end of options. Remembers the time for the statistics block.
    void write(const capture::RecordHeader& header, std::span<const std::byte> slice,
               std::uint64_t lost_before) override;
    /// One Interface Statistics Block, then close the file: interface 0, the
    /// last packet's time; isb_endtime (the same time, upper word first),
    /// isb_ifrecv and isb_ifdrop (the interface's counts), isb_filteraccept
    /// (packets a rule matched), isb_osdrop (records lost in the log area:
    /// overwritten plus too big), and the end of options.
    void finish(const CaptureTotals& totals) override;
    // [/monitor:pcapng-contract]

private:
    // Start a block of `type` in block_, to be ended by end_block().
    void begin_block(std::uint32_t type);
    void end_block();
    void put32(std::uint32_t v);
    void put16(std::uint16_t v);
    void put_bytes(std::span<const std::byte> bytes);
    void option(std::uint16_t code, std::span<const std::byte> value);

    FileSink file_;
    std::vector<std::byte> block_;  // the block being built, reused
    std::int64_t last_time_ns_ = 0;
};

}  // namespace monitor
