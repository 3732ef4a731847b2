// SPDX-License-Identifier: MIT
// Lab 6 cheat: honest packets and counts, but a statistics block stamped 0
// and without isb_endtime: a reader cannot tell when the counts were taken.
#include "monitor/pcapng_format.h"
#include "monitor/pcapng_writer.h"

namespace monitor {

using namespace pcapng;

void PcapngWriter::write(const capture::RecordHeader& h, std::span<const std::byte> slice,
                         std::uint64_t lost_before) {
    const auto time_ns = static_cast<std::int64_t>(h.timestamp_ns);
    last_time_ns_ = time_ns;
    begin_block(kEnhancedPacket);
    put32(0);  // interface 0
    put32(static_cast<std::uint32_t>(static_cast<std::uint64_t>(time_ns) >> 32));
    put32(static_cast<std::uint32_t>(time_ns));
    put32(static_cast<std::uint32_t>(slice.size()));
    put32(h.original_length);
    put_bytes(slice);
    // epb_flags bits 0-1: 1 inbound, 2 outbound.
    const std::uint32_t flags = h.direction == capture::Direction::Rx ? 1 : 2;
    option(kEpbFlags, le(flags));
    if (lost_before != 0) option(kEpbDropCount, le(lost_before));
    option(kEndOfOptions, {});
    end_block();
}

void PcapngWriter::finish(const CaptureTotals& totals) {
    begin_block(kInterfaceStatistics);
    for (std::uint32_t word : {0u, 0u, 0u}) put32(word);  // stamped 0, no isb_endtime
    option(kIsbIfRecv, le(totals.interface_received));
    option(kIsbIfDrop, le(totals.interface_dropped));
    option(kIsbFilterAccept, le(totals.matched));
    option(kIsbOsDrop, le(totals.lost + totals.too_big));  // lost in the log area
    option(kEndOfOptions, {});
    end_block();
    file_.close();
}

}  // namespace monitor
