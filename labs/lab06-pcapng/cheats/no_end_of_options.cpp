// SPDX-License-Identifier: MIT
// Lab 6 cheat: every block honest, except that no option list ends with
// opt_endofopt -- libpcap and tshark read such a file anyway, so only the
// end-of-options check can notice.
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
    end_block();  // no opt_endofopt
}

void PcapngWriter::finish(const CaptureTotals& totals) {
    begin_block(kInterfaceStatistics);
    put32(0);
    put32(static_cast<std::uint32_t>(static_cast<std::uint64_t>(last_time_ns_) >> 32));
    put32(static_cast<std::uint32_t>(last_time_ns_));
    // A pcapng timestamp option is two 32-bit words, high first (as in the EPB).
    const auto end = static_cast<std::uint64_t>(last_time_ns_);
    const std::uint64_t end_words = (end >> 32) | (end << 32);
    option(kIsbEndTime, le(end_words));
    option(kIsbIfRecv, le(totals.interface_received));
    option(kIsbIfDrop, le(totals.interface_dropped));
    option(kIsbFilterAccept, le(totals.matched));
    option(kIsbOsDrop, le(totals.lost + totals.too_big));  // lost in the log area
    end_block();                                           // no opt_endofopt
    file_.close();
}

}  // namespace monitor
