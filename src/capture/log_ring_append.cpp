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
    std::uint64_t write = field(control::kWritePos);
    const std::uint64_t tail = capacity - write % capacity;
    if (length > tail) {
        make_room(tail);
        area_.store<std::uint32_t>(write % capacity + record::kLength,
                                   static_cast<std::uint32_t>(tail));
        area_.store<std::uint16_t>(write % capacity + record::kType, record::kTypePadding);
        write += tail;
        control_.store<std::uint64_t>(control::kWritePos, write);
    }
    make_room(length);
    // The header, then the slice, then zeros up to the alignment.
    const std::uint64_t at = write % capacity;
    const std::uint64_t sequence = field(control::kNextSequence);
    std::array<std::byte, record::kHeaderBytes> header{};
    auto put = [&](std::uint32_t off, std::uint64_t v, int bytes) {
        for (int i = 0; i < bytes; ++i) header[off + i] = std::byte(v >> (8 * i));
    };
    put(record::kLength, length, 4);
    put(record::kType, record::kTypePacket, 2);
    put(record::kDirection, static_cast<std::uint8_t>(h.direction), 1);
    put(record::kRuleId, h.rule_id, 1);
    put(record::kSequence, sequence, 8);
    put(record::kTimestamp, h.timestamp_ns, 8);
    put(record::kOriginalLength, h.original_length, 4);
    put(record::kCapturedLength, slice.size(), 4);
    put(record::kSliceOffset, h.slice_offset, 4);
    area_.write(at, header);
    area_.write(at + record::kHeaderBytes, slice);
    const std::array<std::byte, record::kAlignment> zeros{};
    const std::uint64_t pad = length - record::kHeaderBytes - slice.size();
    area_.write(at + record::kHeaderBytes + slice.size(), std::span(zeros).first(pad));
    // Publish: the record counts once the write position has passed it.
    control_.store<std::uint64_t>(control::kNextSequence, sequence + 1);
    bump(control::kRecordsWritten);
    control_.store<std::uint64_t>(control::kWritePos, write + length);
    return true;
}

}  // namespace capture
