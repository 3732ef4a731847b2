// SPDX-License-Identifier: MIT
// PcapngWriter::write and ::finish: the packet and statistics blocks.
// LAB 6 STARTER -- this file stands in for src/monitor/pcapng_writer.cpp when
// the build is configured with -DTWINOS_LAB=lab06.
//
// You implement: `PcapngWriter::write` (one Enhanced Packet Block) and
// `PcapngWriter::finish` (the Interface Statistics Block).
// Provided (do not change): src/monitor/pcapng_blocks.cpp, the block helpers
// (begin_block, end_block, put32, put16, put_bytes, option) and the
// constructor, which writes the Section Header Block and the Interface
// Description Block; src/monitor/pcapng_format.h, the option codes
// (kEpbFlags, kIsbIfRecv, ...) and `le(value)`.
//
// Facts: chapters/appendix-facts.rst, "pcapng". Chapter: chapters/06-monitor-ap.rst.
// Lab: labs/lab06-pcapng/README.rst.
#include "monitor/pcapng_writer.h"
#include "monitor/pcapng_format.h"

namespace monitor {

using namespace pcapng;

// LAB 6 — your code here.
//
// Write one Enhanced Packet Block (type kEnhancedPacket = 6) for a packet:
//   begin_block(kEnhancedPacket); then the body, every field 32 bits
//   little-endian (put32): the interface id (0), the timestamp's upper and
//   lower 32 bits (h.timestamp_ns, a 64-bit count of nanoseconds: the IDB
//   said if_tsresol 9),
//   the captured length (slice.size()), the original length
//   (header.original_length), the slice itself padded to 4 bytes (put_bytes);
//   then the options: epb_flags (code 2, 4 bytes: 1 for a received packet,
//   2 for a transmitted one), epb_dropcount (code 4, 8 bytes: `lost_before`)
//   only when lost_before is not 0, and the end of options (code 0, no value);
//   end_block(). Use `le(value)` for an option's integer bytes. Remember
//   `last_time_ns_` = h.timestamp_ns for the statistics block.
void PcapngWriter::write(const capture::RecordHeader& h, std::span<const std::byte> slice,
                         std::uint64_t lost_before) {
    (void)h;
    (void)slice;
    (void)lost_before;
}

// LAB 6 — your code here.
//
// Finish the file with one Interface Statistics Block (type
// kInterfaceStatistics = 5): the interface id (0), the timestamp (upper and
// lower 32 bits of last_time_ns_), then the options isb_endtime (code 3, 8
// bytes: last_time_ns_ as a pcapng timestamp -- two 32-bit words, the upper
// one first, each little-endian, as in the EPB), isb_ifrecv (code 4, 8
// bytes: totals.interface_received), isb_ifdrop (code 5, 8 bytes:
// totals.interface_dropped), isb_filteraccept (code 6, 8 bytes:
// totals.matched), isb_osdrop (code 7, 8 bytes: totals.lost +
// totals.too_big, the records lost in the log area) and the end of options;
// end_block(). Then close the file (file_.close()).
void PcapngWriter::finish(const CaptureTotals& totals) { (void)totals; }

}  // namespace monitor
