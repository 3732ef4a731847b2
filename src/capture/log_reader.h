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

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

#include "capture/mapped_region.h"
#include "capture/record_format.h"
#include "twinos/machine/function_ref.h"

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
    /// Called for each record: its header and its slice (valid only during
    /// the call). A reference to the caller's callable, not a copy: the
    /// drain calls it once per record and keeps none.
    using Sink =
        twinos::machine::FunctionRef<void(const RecordHeader&, std::span<const std::byte>)>;

    /// Read the ring whose management structure is `control` and records `area`.
    LogReader(MappedRegion control, MappedRegion area)
        : control_(std::move(control)), area_(std::move(area)) {}

    /// Hand every waiting record to `sink`, oldest first, then move the
    /// read position to the write position. @return records read.
    /// @throws LogCorrupt when a record cannot be stepped over (what is
    /// before it has been handed to `sink`).
    std::uint64_t drain(Sink sink);

    /// Records read so far.
    std::uint64_t read() const { return read_; }
    /// Records lost to overwriting before they were read (sequence gaps).
    std::uint64_t lost() const { return lost_; }
    /// A management-structure field.
    std::uint64_t field(std::uint32_t offset) const { return control_.load<std::uint64_t>(offset); }

private:
    MappedRegion control_;
    MappedRegion area_;
    std::uint64_t next_sequence_ = 0;
    std::uint64_t read_ = 0;
    std::uint64_t lost_ = 0;
    std::vector<std::byte> slice_;
};

}  // namespace capture
