// SPDX-License-Identifier: MIT
// LogReader: the monitor AP's side of the log area.
// Part of the monitor AP (preceding OS user space); it only reads what the
// acquisition part writes, through the AP's own mappings.
//
// Paper §3.3 step (3): check the management structure, take the records
// between the read and the write position, then update the read position.
// Sequence numbers let the reader count exactly what the writer overwrote
// before it got there.
//
// Chapter: chapters/05-packet-acquisition.rst.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "capture/mapped_region.h"
#include "capture/record_format.h"

namespace capture {

/// A record the reader cannot step over: a zero or misaligned length, one
/// past the published data, an unknown type, or a length that disagrees with
/// the slice. The message names the record's position.
class LogCorrupt : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Reads records from the log area and advances the read position.
class LogReader {
public:
    /// Read the ring whose management structure is `control` and records `area`.
    LogReader(MappedRegion control, MappedRegion area)
        : control_(std::move(control)), area_(std::move(area)) {}

    /// Hand every waiting record to `sink`, oldest first, then move the
    /// read position to the write position. `sink(header, slice)` is called
    /// once per record; the slice is valid only during the call. (A
    /// template, inline, so the AP's sink is compiled into the loop rather
    /// than called through a pointer for every record: chapter 7.)
    /// @return records read.
    /// @throws LogCorrupt when a record cannot be stepped over (what is
    /// before it has been handed to `sink`).
    template <class Sink>
    std::uint64_t drain(Sink&& sink);

    /// Records read so far.
    std::uint64_t read() const { return read_; }
    /// Records lost to overwriting before they were read (sequence gaps).
    std::uint64_t lost() const { return lost_; }
    /// A management-structure field.
    std::uint64_t field(std::uint32_t offset) const { return control_.load<std::uint64_t>(offset); }

private:
    // What drain checks of every record, inline, as one list: the first
    // condition a record fails, or kSteppable. Its text, when a check
    // fails, and the gathering of a header or slice split across two pages
    // of a scattered area, are out of line (log_reader.cpp).
    enum class RecordFault {
        kSteppable,
        kBadLength,
        kPastPublished,
        kPastEnd,
        kBadType,
        kShortPacket
    };
    static RecordFault record_fault(std::uint32_t length, std::uint16_t type, std::uint64_t left,
                                    std::uint64_t room) {
        if (length == 0 || length % record::kAlignment != 0) return RecordFault::kBadLength;
        if (length > left) return RecordFault::kPastPublished;
        // The writer pads to the end rather than let a record straddle it.
        if (length > room) return RecordFault::kPastEnd;
        if (type != record::kTypePacket && type != record::kTypePadding)
            return RecordFault::kBadType;
        if (type == record::kTypePacket && length < record::kHeaderBytes)
            return RecordFault::kShortPacket;
        return RecordFault::kSteppable;
    }
    [[noreturn]] static void refuse_record(RecordFault fault, std::uint64_t position,
                                           std::uint64_t offset, std::uint32_t length,
                                           std::uint16_t type, std::uint64_t left,
                                           std::uint64_t capacity);
    [[noreturn]] static void refuse_captured_length(std::uint64_t position, std::uint64_t offset,
                                                    std::uint32_t length, std::uint32_t captured);
    void gather_header(std::uint64_t at, std::array<std::byte, record::kHeaderBytes>& into);
    std::span<const std::byte> gather_slice(std::uint64_t at, std::uint32_t length);
    // After the last record: the records lost past it, the read position.
    void finish_drain(std::uint64_t read, std::uint64_t write, std::uint64_t count);

    MappedRegion control_;
    MappedRegion area_;
    std::uint64_t next_sequence_ = 0;
    std::uint64_t read_ = 0;
    std::uint64_t lost_ = 0;
    std::vector<std::byte> slice_;
};

// LogReader -- the drain, a template for its sink (see drain's comment).
// [capture:reader-drain]
template <class Sink>
std::uint64_t LogReader::drain(Sink&& sink) {
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
        const RecordFault fault = record_fault(length, type, write - read, capacity - at);
        if (fault != RecordFault::kSteppable) [[unlikely]]
            refuse_record(fault, read, at, length, type, write - read, capacity);
        if (type == record::kTypePacket) {
            // The whole header in one read (gathered first only when it
            // is split across two pages of a scattered area).
            std::array<std::byte, record::kHeaderBytes> gathered;
            std::span<const std::byte> bytes = area_.view(at, record::kHeaderBytes);
            if (bytes.size() != record::kHeaderBytes) [[unlikely]] {
                gather_header(at, gathered);
                bytes = gathered;
            }
            const RecordHeader h = decode_header(bytes.data());
            if (record_bytes(h.captured_length) != length) [[unlikely]]
                refuse_captured_length(read, at, length, h.captured_length);
            // A gap in the sequence is exactly the records overwritten unread.
            lost_ += h.sequence - next_sequence_;
            next_sequence_ = h.sequence + 1;
            // The sink copies the slice out before the read position moves
            // past it (below), so it can read it where it lies; only a slice
            // split across two pages of a scattered area is gathered first.
            std::span<const std::byte> slice =
                area_.view(at + record::kHeaderBytes, h.captured_length);
            if (slice.size() != h.captured_length) [[unlikely]]
                slice = gather_slice(at + record::kHeaderBytes, h.captured_length);
            sink(h, slice);
            ++count;
        }
        read += length;
        // record_fault keeps every record inside the area, so the position
        // reaches its end exactly, after the padding, and wraps to 0.
        at += length;
        if (at == capacity) at = 0;
    }
    finish_drain(read, write, count);
    return count;
}
// [/capture:reader-drain]

}  // namespace capture
