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

void LogReader::refuse_record(std::uint64_t position, std::uint64_t offset, std::uint32_t length,
                              std::uint16_t type, std::uint64_t left, std::uint64_t capacity) {
    check_record(position, offset, length, type, left, capacity);
    throw corrupt(position, offset, "cannot be stepped over");  // (check_record threw already)
}

void LogReader::refuse_captured_length(std::uint64_t position, std::uint64_t offset,
                                       std::uint32_t length, std::uint32_t captured) {
    throw corrupt(position, offset,
                  "has length " + std::to_string(length) + " but its captured length " +
                      std::to_string(captured) + " needs " +
                      std::to_string(record_bytes(captured)));
}

void LogReader::gather_header(std::uint64_t at, std::array<std::byte, record::kHeaderBytes>& into) {
    area_.read(at, into);
}

std::span<const std::byte> LogReader::gather_slice(std::uint64_t at, std::uint32_t length) {
    slice_.resize(length);
    area_.read(at, slice_);
    return slice_;
}

void LogReader::finish_drain(std::uint64_t read, std::uint64_t write, std::uint64_t count) {
    // Records overwritten after the last one read are lost too.
    const std::uint64_t written = field(control::kNextSequence);
    if (read == write && written > next_sequence_) {
        lost_ += written - next_sequence_;
        next_sequence_ = written;
    }
    control_.store<std::uint64_t>(control::kReadPos, read);
    read_ += count;
}

}  // namespace capture
