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
    /// Allocate from the frames of `partition`, skipping the first
    /// `reserved_bytes` (the kernel image; never handed out).
    explicit FrameAllocator(const machine::Partition& partition, std::uint64_t reserved_bytes = 0);

    // FrameAllocator — public interface

    /// Take one free frame. @return nothing when the partition is full.
    std::optional<machine::PhysAddr> allocate();
    /// Take `count` physically consecutive never-used frames (for DMA).
    /// @return the first, or nothing when the partition has no such run left.
    std::optional<machine::PhysAddr> allocate_contiguous(std::uint64_t count);
    /// Give a frame back. @pre it came from `allocate()` and is not free.
    void free(machine::PhysAddr frame);
    /// How many frames are still free.
    std::uint64_t free_frames() const;

private:
    // FrameAllocator — state
    machine::Partition partition_;
    std::uint64_t first_ = 0;           // index of the first frame we may hand out
    std::uint64_t next_unused_ = 0;     // frames below this were handed out once
    std::set<std::uint64_t> recycled_;  // freed frame indexes, lowest first
};

}  // namespace twinos::os
