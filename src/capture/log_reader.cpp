// SPDX-License-Identifier: MIT
// LogReader: walking the records between the read and the write position.
#include "capture/log_reader.h"

namespace capture {

namespace {
// A record the reader cannot step over means the writer is broken: stop with
// where and what, rather than loop on a zero length or read past the data.
LogCorrupt corrupt(std::uint64_t position, std::uint64_t offset, const std::string& what) {
    return LogCorrupt("log ring corrupt: the record at position " + std::to_string(position) +
                      " (area offset " + std::to_string(offset) + ") " + what);
}

void check_record(std::uint64_t position, std::uint64_t offset, std::uint32_t length,
                  std::uint16_t type, std::uint64_t left, std::uint64_t capacity) {
    if (length == 0 || length % record::kAlignment != 0)
        throw corrupt(position, offset,
                      "has length " + std::to_string(length) + ", not a positive multiple of " +
                          std::to_string(record::kAlignment));
    if (length > left)
        throw corrupt(position, offset,
                      "has length " + std::to_string(length) + " but only " + std::to_string(left) +
                          " bytes were published");
    // The writer pads to the end rather than let a record straddle it.
    if (length > capacity - offset)
        throw corrupt(position, offset,
                      "has length " + std::to_string(length) + ", which runs past the end of the " +
                          std::to_string(capacity) + "-byte area");
    if (type != record::kTypePacket && type != record::kTypePadding)
        throw corrupt(position, offset,
                      "has type " + std::to_string(type) + ", neither packet nor padding");
    if (type == record::kTypePacket && length < record::kHeaderBytes)
        throw corrupt(position, offset,
                      "is a packet record of length " + std::to_string(length) +
                          ", shorter than its own " + std::to_string(record::kHeaderBytes) +
                          "-byte header");
}
}  // namespace

// [capture:reader-drain]
std::uint64_t LogReader::drain(Sink sink) {
    const std::uint64_t capacity = area_.size();
    std::uint64_t read = field(control::kReadPos);
    const std::uint64_t write = field(control::kWritePos);
    std::uint64_t count = 0;
    // Where `read` lies in the area, advanced record by record: a division
    // per record would cost more than the rest of reading its header.
    std::uint64_t at = read % capacity;
    while (read < write) {
        const auto length = area_.load<std::uint32_t>(at + record::kLength);
        const auto type = area_.load<std::uint16_t>(at + record::kType);
        check_record(read, at, length, type, write - read, capacity);
        if (type == record::kTypePacket) {
            // The whole header in one read (gathered first only when it
            // is split across two pages of a scattered area).
            std::array<std::byte, record::kHeaderBytes> gathered;
            std::span<const std::byte> bytes = area_.view(at, record::kHeaderBytes);
            if (bytes.size() != record::kHeaderBytes) {
                area_.read(at, gathered);
                bytes = gathered;
            }
            const RecordHeader h = decode_header(bytes.data());
            if (record_bytes(h.captured_length) != length)
                throw corrupt(read, at,
                              "has length " + std::to_string(length) + " but its captured length " +
                                  std::to_string(h.captured_length) + " needs " +
                                  std::to_string(record_bytes(h.captured_length)));
            // A gap in the sequence is exactly the records overwritten unread.
            lost_ += h.sequence - next_sequence_;
            next_sequence_ = h.sequence + 1;
            // The sink copies the slice out before the read position moves
            // past it (below), so it can read it where it lies; only a slice
            // split across two pages of a scattered area is gathered first.
            std::span<const std::byte> slice =
                area_.view(at + record::kHeaderBytes, h.captured_length);
            if (slice.size() != h.captured_length) {
                slice_.resize(h.captured_length);
                area_.read(at + record::kHeaderBytes, slice_);
                slice = slice_;
            }
            sink(h, slice);
            ++count;
        }
        read += length;
        // check_record keeps every record inside the area, so the position
        // reaches its end exactly, after the padding, and wraps to 0.
        at += length;
        if (at == capacity) at = 0;
    }
    // Records overwritten after the last one read are lost too.
    const std::uint64_t written = field(control::kNextSequence);
    if (read == write && written > next_sequence_) {
        lost_ += written - next_sequence_;
        next_sequence_ = written;
    }
    control_.store<std::uint64_t>(control::kReadPos, read);
    read_ += count;
    return count;
}
// [/capture:reader-drain]

}  // namespace capture
