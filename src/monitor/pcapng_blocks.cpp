// SPDX-License-Identifier: MIT
// PcapngWriter's block helpers and its constructor: every block is built in
// memory and written whole, with its total length at both ends. The packet
// and statistics blocks are in pcapng_writer.cpp (lab 6).
#include "monitor/pcapng_format.h"
#include "monitor/pcapng_writer.h"

namespace monitor {

using namespace pcapng;

// [monitor:pcapng-helpers]
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

// [/monitor:pcapng-helpers]

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

}  // namespace monitor
