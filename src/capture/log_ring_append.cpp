// SPDX-License-Identifier: MIT
// LogRing::append: the copy into the ring, with wrap and overwrite.
// Part of the packet acquisition part; lab 4 hands this file out
// (labs/lab04-log-ring/starter/log_ring_append.cpp is its starter twin).
//
// Paper: §3.2 problem 3. Chapter: chapters/05-packet-acquisition.rst.
#include <array>

#include "capture/log_ring.h"

namespace capture {

bool LogRing::append(const RecordHeader& h, std::span<const std::byte> slice) {
    const std::uint64_t capacity = area_.size();
    const std::uint64_t length = record_bytes(slice.size());
    if (length > capacity) {
        bump(control::kTooBig);
        return false;
    }
    // A record never straddles the end: fill the rest with padding first.
    // (write_offset_ is the write position modulo the capacity, kept as we
    // go: a 64-bit division per packet would cost more than the copy.)
    std::uint64_t write = field(control::kWritePos);
    const std::uint64_t tail = capacity - write_offset_;
    if (length > tail) {
        make_room(tail);
        area_.store<std::uint32_t>(write_offset_ + record::kLength,
                                   static_cast<std::uint32_t>(tail));
        area_.store<std::uint16_t>(write_offset_ + record::kType, record::kTypePadding);
        write += tail;
        write_offset_ = 0;
        set(control::kWritePos, write);
    }
    make_room(length);
    // The header, the slice, and zeros up to the alignment.
    const std::uint64_t at = write_offset_;
    const std::uint64_t sequence = field(control::kNextSequence);
    const auto record_length = static_cast<std::uint32_t>(length);
    const auto captured = static_cast<std::uint32_t>(slice.size());
    // The record's last 8-byte word holds all its padding: zero that word
    // first, then lay the header and the slice over the record. The header
    // goes straight into the ring, unless it crosses a page of a scattered
    // area; then it is built first and copied in two parts.
    area_.store<std::uint64_t>(at + length - record::kAlignment, 0);
    if (const auto place = area_.writable(at, record::kHeaderBytes); !place.empty()) {
        encode_header_at(place.data(), h, record_length, sequence, captured);
    } else {
        area_.write(at, encode_header(h, record_length, sequence, captured));
    }
    area_.write(at + record::kHeaderBytes, slice);
    // Publish: the record counts once the write position has passed it.
    set(control::kNextSequence, sequence + 1);
    bump(control::kRecordsWritten);
    set(control::kWritePos, write + length);
    write_offset_ = at + length == capacity ? 0 : at + length;
    return true;
}

}  // namespace capture
