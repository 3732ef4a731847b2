// SPDX-License-Identifier: MIT
// PcapngWriter: blocks and options, built in memory and written whole.
// LAB 6 STARTER -- this file stands in for src/monitor/pcapng_writer.cpp when
// the build is configured with -DTWINOS_LAB=lab06.
//
// You implement: `PcapngWriter::write` (one Enhanced Packet Block) and
// `PcapngWriter::finish` (the Interface Statistics Block).
// Provided (do not change): the block helpers (begin_block, end_block,
// put32, put16, put_bytes, option, le) and the constructor, which writes the
// Section Header Block and the Interface Description Block.
//
// Facts: ../shared/FACTS.md §3.4 (pcapng). Chapter: chapters/06-monitor-ap.rst.
// Lab: labs/lab06-pcapng/README.rst.
#include "monitor/pcapng_writer.h"

#include <array>
#include <cstring>

namespace monitor {

namespace {
// Option codes (draft-ietf-opsawg-pcapng).
constexpr std::uint16_t kEndOfOptions = 0;
constexpr std::uint16_t kShbUserAppl = 4;
constexpr std::uint16_t kIfName = 2;
constexpr std::uint16_t kIfTsresol = 9;
constexpr std::uint16_t kEpbFlags = 2;
constexpr std::uint16_t kEpbDropCount = 4;
constexpr std::uint16_t kIsbEndTime = 3;
constexpr std::uint16_t kIsbIfRecv = 4;
constexpr std::uint16_t kIsbIfDrop = 5;
constexpr std::uint16_t kIsbFilterAccept = 6;
constexpr std::uint16_t kIsbOsDrop = 7;
constexpr std::uint16_t kLinktypeEthernet = 1;

// An integer option value, little-endian like every field we write.
template <typename T>
std::array<std::byte, sizeof(T)> le(T v) {
    std::array<std::byte, sizeof(T)> out;
    for (std::size_t i = 0; i < sizeof(T); ++i)
        out[i] = std::byte(static_cast<std::uint64_t>(v) >> (8 * i));
    return out;
}
std::span<const std::byte> bytes_of(const char* s) {
    return {reinterpret_cast<const std::byte*>(s), std::strlen(s)};
}
}  // namespace

void PcapngWriter::put32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) block_.push_back(std::byte(v >> (8 * i)));
}
void PcapngWriter::put16(std::uint16_t v) {
    block_.push_back(std::byte(v));
    block_.push_back(std::byte(v >> 8));
}
void PcapngWriter::put_bytes(std::span<const std::byte> bytes) {
    block_.insert(block_.end(), bytes.begin(), bytes.end());
    while (block_.size() % 4 != 0) block_.push_back(std::byte{0});  // pad to 32 bits
}
void PcapngWriter::option(std::uint16_t code, std::span<const std::byte> value) {
    put16(code);
    put16(static_cast<std::uint16_t>(value.size()));  // unpadded length
    put_bytes(value);
}

void PcapngWriter::begin_block(std::uint32_t type) {
    block_.clear();
    put32(type);
    put32(0);  // total length, filled in by end_block
}

void PcapngWriter::end_block() {
    const auto total = static_cast<std::uint32_t>(block_.size() + 4);
    for (int i = 0; i < 4; ++i) block_[4 + i] = std::byte(total >> (8 * i));
    put32(total);
    file_.write_block(block_);
}

PcapngWriter::PcapngWriter(const std::string& path, std::uint32_t snaplen) : file_(path) {
    begin_block(kSectionHeader);
    put32(0x1A2B3C4D);  // byte-order magic: the reader learns we are little-endian
    put16(1);           // version 1.0
    put16(0);
    put32(0xffffffff);  // section length: unspecified (-1, 64 bits)
    put32(0xffffffff);
    option(kShbUserAppl, bytes_of("twinos"));
    option(kEndOfOptions, {});
    end_block();

    begin_block(kInterfaceDescription);
    put16(kLinktypeEthernet);
    put16(0);
    put32(snaplen);
    option(kIfName, bytes_of("twinos0"));
    const std::uint8_t nanoseconds = 9;  // if_tsresol: 10^-9 s
    option(kIfTsresol, le(nanoseconds));
    option(kEndOfOptions, {});
    end_block();
}

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
