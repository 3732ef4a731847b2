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
        set(control::kWritePos, write);
    }
    make_room(length);
    // The header, then the slice, then zeros up to the alignment.
    const std::uint64_t at = write % capacity;
    const std::uint64_t sequence = field(control::kNextSequence);
    const auto header = encode_header(h, static_cast<std::uint32_t>(length), sequence,
                                      static_cast<std::uint32_t>(slice.size()));
    area_.write(at, header);
    area_.write(at + record::kHeaderBytes, slice);
    const std::array<std::byte, record::kAlignment> zeros{};
    const std::uint64_t pad = length - record::kHeaderBytes - slice.size();
    area_.write(at + record::kHeaderBytes + slice.size(), std::span(zeros).first(pad));
    // Publish: the record counts once the write position has passed it.
    set(control::kNextSequence, sequence + 1);
    bump(control::kRecordsWritten);
    set(control::kWritePos, write + length);
    return true;
}

}  // namespace capture
