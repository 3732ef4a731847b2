// SPDX-License-Identifier: MIT
// PcapngWriter: blocks and options, built in memory and written whole.
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

// [monitor:pcapng-epb]
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
// [/monitor:pcapng-epb]

// [monitor:pcapng-isb]
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
    option(kEndOfOptions, {});
    end_block();
    file_.close();
}
// [/monitor:pcapng-isb]

}  // namespace monitor
