// SPDX-License-Identifier: MIT
// Lab 4 cheat: every step of the specification except the zeros after the
// slice -- whatever an overwritten record left there stays, and the pcap
// files the monitor writes would carry it. The self-test proves it loses the
// wrap check, where the zeros are tested.
#include "capture/log_ring.h"

namespace capture {

bool LogRing::append(const RecordHeader& h, std::span<const std::byte> slice) {
    const std::uint64_t capacity = area_.size();
    const std::uint64_t length = record_bytes(slice.size());
    if (length > capacity) {
        bump(control::kTooBig);
        return false;
    }
    std::uint64_t write = field(control::kWritePos);
    if (const std::uint64_t tail = capacity - write % capacity; length > tail) {
        make_room(tail);
        area_.store<std::uint32_t>(write % capacity + record::kLength,
                                   static_cast<std::uint32_t>(tail));
        area_.store<std::uint16_t>(write % capacity + record::kType, record::kTypePadding);
        set(control::kWritePos, write += tail);
    }
    make_room(length);
    const std::uint64_t sequence = field(control::kNextSequence);
    area_.write(write % capacity, encode_header(h, static_cast<std::uint32_t>(length), sequence,
                                                static_cast<std::uint32_t>(slice.size())));
    area_.write(write % capacity + record::kHeaderBytes, slice);
    set(control::kNextSequence, sequence + 1);
    bump(control::kRecordsWritten);
    set(control::kWritePos, write + length);
    write_offset_ = (write + length) % capacity;
    return true;
}

}  // namespace capture
