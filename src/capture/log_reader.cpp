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

}  // namespace

void LogReader::refuse_record(RecordFault fault, std::uint64_t position, std::uint64_t offset,
                              std::uint32_t length, std::uint16_t type, std::uint64_t left,
                              std::uint64_t capacity) {
    const std::string has_length = "has length " + std::to_string(length);
    switch (fault) {
        case RecordFault::kBadLength:
            throw corrupt(
                position, offset,
                has_length + ", not a positive multiple of " + std::to_string(record::kAlignment));
        case RecordFault::kPastPublished:
            throw corrupt(
                position, offset,
                has_length + " but only " + std::to_string(left) + " bytes were published");
        case RecordFault::kPastEnd:
            throw corrupt(position, offset,
                          has_length + ", which runs past the end of the " +
                              std::to_string(capacity) + "-byte area");
        case RecordFault::kBadType:
            throw corrupt(position, offset,
                          "has type " + std::to_string(type) + ", neither packet nor padding");
        case RecordFault::kShortPacket:
        case RecordFault::kSteppable:  // (never passed: drain calls this only on a fault)
            break;
    }
    throw corrupt(position, offset,
                  "is a packet record of length " + std::to_string(length) +
                      ", shorter than its own " + std::to_string(record::kHeaderBytes) +
                      "-byte header");
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
