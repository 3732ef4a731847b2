// SPDX-License-Identifier: MIT
// Lab 6 cheat: honest packet blocks, but a statistics block that claims a
// perfect run -- nothing received by the interface, nothing dropped, nothing
// lost -- whatever happened. A reader would believe it; the self-test proves
// it loses the statistics check.
#include "monitor/pcapng_format.h"
#include "monitor/pcapng_writer.h"

namespace monitor {

using namespace pcapng;

void PcapngWriter::write(const capture::RecordHeader& h, std::span<const std::byte> slice,
                         std::uint64_t lost_before) {
    last_time_ns_ = static_cast<std::int64_t>(h.timestamp_ns);
    begin_block(kEnhancedPacket);
    for (std::uint64_t word : {std::uint64_t{0}, h.timestamp_ns >> 32, h.timestamp_ns & 0xffffffffu,
                               std::uint64_t{slice.size()}, std::uint64_t{h.original_length}})
        put32(static_cast<std::uint32_t>(word));
    put_bytes(slice);
    option(kEpbFlags, le(std::uint32_t{h.direction == capture::Direction::Rx ? 1u : 2u}));
    if (lost_before) option(kEpbDropCount, le(lost_before));
    option(kEndOfOptions, {});
    end_block();
}

void PcapngWriter::finish(const CaptureTotals&) {
    begin_block(kInterfaceStatistics);
    for (std::uint32_t word : {0u, 0u, 0u}) put32(word);
    for (std::uint16_t code : {kIsbIfRecv, kIsbIfDrop, kIsbOsDrop})
        option(code, le(std::uint64_t{0}));
    option(kEndOfOptions, {});
    end_block();
    file_.close();
}

}  // namespace monitor
