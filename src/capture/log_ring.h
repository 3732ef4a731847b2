// SPDX-License-Identifier: MIT
// LogRing: writing records into the log area, overwriting the oldest when full.
// Part of the packet acquisition part (preceding OS kernel).
//
// Paper §3.2, problem 3: the write and read positions live in a management
// structure in the monitor AP; the acquisition part updates it on every
// write; at the end of the log area writing wraps to the start; and if the
// space there has not been read yet, it is *overwritten* -- the copy runs in
// interrupt context and must never wait for the reader.
//
// What we add to make that honest: every record carries a sequence number,
// the structure counts records written and overwritten, and overwriting
// moves the read position past whole records only. So a reader always
// starts at a record boundary and knows exactly how many it lost.
//
// Interface: `LogRing(control, area)`, `initialise()`, `append(header,
// slice)` (lab 4), `count_match()`, and the control fields.
// Invariants: read <= write <= read + capacity; both at record boundaries;
// records never straddle the end of the area.
//
// Two copies kept for speed (chapter 7), each with its own invariant:
//   - `cache_`, the writer's copy of the management structure: equal to it
//     for every field but the read position, because only the writer
//     stores those fields (`set`); the read position, which the reader moves
//     too, is always loaded from the structure. `writer_copy_agrees` checks
//     it, and the randomised ring test calls it after every step;
//   - `write_offset_`, the write position modulo the capacity, kept by the
//     reference `append` (log_ring_append.cpp) instead of a 64-bit division
//     per record. Nothing else reads it; an `append` that divides (lab 4's
//     starter suggests that) need not touch it.
//
// Paper: §3.2 problem 3. Chapter: chapters/05-packet-acquisition.rst.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "capture/mapped_region.h"
#include "capture/record_format.h"

namespace capture {

/// The writer's side of the log area.
class LogRing {
public:
    /// A ring whose management structure is `control` and whose records go
    /// into `area` (its size is the capacity, a multiple of 8).
    LogRing(MappedRegion control, MappedRegion area)
        : control_(std::move(control)), area_(std::move(area)) {}

    // LogRing — public interface

    /// Write an empty management structure (the monitor AP's start-up step).
    void initialise();

    /// Append one packet record, overwriting the oldest records if needed.
    /// Never waits. @return false only when the record is bigger than the
    /// whole area (counted as too big).
    bool append(const RecordHeader& header, std::span<const std::byte> slice);

    /// Count a packet that matched a rule (whether or not its record survives).
    void count_match() { bump(control::kPacketsMatched); }

    /// The capacity in bytes.
    std::uint64_t capacity() const { return area_.size(); }
    /// A control field (see record_format.h). The writer keeps its own
    /// copy of the fields only it writes; the read position, which the
    /// reader moves too, always comes from the structure itself.
    std::uint64_t field(std::uint32_t offset) const {
        return offset == control::kReadPos ? control_.load<std::uint64_t>(offset)
                                           : cache_[offset / 8];
    }

    /// True when the writer's copy of the structure equals the structure
    /// itself for every field the writer owns (see the file comment).
    bool writer_copy_agrees() const {
        for (std::uint32_t off = 0; off < control::kBytes; off += 8) {
            if (off == control::kReadPos) continue;
            if (off == control::kMagic || off == control::kCapacity) continue;  // set once
            if (cache_[off / 8] != control_.load<std::uint64_t>(off)) return false;
        }
        return true;
    }

private:
    /// Set a field in the structure (and the writer's copy).
    void set(std::uint32_t offset, std::uint64_t value) {
        cache_[offset / 8] = value;
        control_.store<std::uint64_t>(offset, value);
    }
    void bump(std::uint32_t offset) { set(offset, field(offset) + 1); }
    // Advance the read position past whole records until `bytes` are free.
    void make_room(std::uint64_t bytes) {
        // The common case, inline: the reader keeps up and there is room.
        if (area_.size() - (field(control::kWritePos) - field(control::kReadPos)) >= bytes) return;
        overwrite_oldest(bytes);
    }
    // The rare case: drop the oldest whole records until `bytes` are free.
    void overwrite_oldest(std::uint64_t bytes);

    MappedRegion control_;
    MappedRegion area_;
    std::array<std::uint64_t, control::kBytes / 8> cache_{};
    std::uint64_t write_offset_ = 0;  // write position % capacity, kept without dividing
};

}  // namespace capture
