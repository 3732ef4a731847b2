// SPDX-License-Identifier: MIT
// LogRing: initialisation and making room by overwriting whole records.
// Part of the packet acquisition part (preceding OS kernel).
//
// `append` lives in log_ring_append.cpp, the file lab 4 hands out.
#include "capture/log_ring.h"

namespace capture {

void LogRing::initialise() {
    for (std::uint32_t off = 0; off < control::kBytes; off += 8)
        control_.store<std::uint64_t>(off, 0);
    control_.store<std::uint32_t>(control::kMagic, control::kMagicValue);
    control_.store<std::uint32_t>(control::kVersion, control::kVersionValue);
    control_.store<std::uint64_t>(control::kCapacity, area_.size());
}

// [capture:make-room]
void LogRing::overwrite_oldest(std::uint64_t bytes) {
    const std::uint64_t capacity = area_.size();
    std::uint64_t read = field(control::kReadPos);
    const std::uint64_t write = field(control::kWritePos);
    // §3.2 problem 3: the writer never waits. The oldest unread records go,
    // whole, and each packet record lost is counted.
    while (capacity - (write - read) < bytes) {
        const std::uint64_t at = read % capacity;
        const auto length = area_.load<std::uint32_t>(at + record::kLength);
        if (area_.load<std::uint16_t>(at + record::kType) == record::kTypePacket) {
            bump(control::kRecordsOverwritten);
        }
        read += length;
    }
    set(control::kReadPos, read);
}
// [/capture:make-room]

}  // namespace capture
