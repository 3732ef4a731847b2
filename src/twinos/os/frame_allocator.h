// SPDX-License-Identifier: MIT
// FrameAllocator: hands out the physical frames of one OS's partition.
// Part of a kernel (OS code), not of the machine.
//
// A kernel may only ever hand out frames of its own partition; the allocator
// is built from that partition and nothing else, so the co-existing OS's
// allocator simply has no way to name a frame of the preceding OS. Freed
// frames are reused lowest-first, which keeps allocation deterministic.
//
// Interface: `allocate()`, `free(frame)`, `free_frames()`.
//
// Chapter: chapters/02-twinos.rst.
#pragma once

#include <cstdint>
#include <optional>
#include <set>

#include "twinos/machine/partition.h"

namespace twinos::os {

/// A frame allocator confined to one partition.
class FrameAllocator {
public:
    /// Allocate from every frame of `partition`.
    explicit FrameAllocator(const machine::Partition& partition) : partition_(partition) {}

    // FrameAllocator — public interface

    /// Take one free frame. @return nothing when the partition is full.
    std::optional<machine::PhysAddr> allocate();
    /// Give a frame back. @pre it came from `allocate()` and is not free.
    void free(machine::PhysAddr frame);
    /// How many frames are still free.
    std::uint64_t free_frames() const;

private:
    // FrameAllocator — state
    machine::Partition partition_;
    std::uint64_t next_unused_ = 0;     // frames below this were handed out once
    std::set<std::uint64_t> recycled_;  // freed frame indexes, lowest first
};

}  // namespace twinos::os
