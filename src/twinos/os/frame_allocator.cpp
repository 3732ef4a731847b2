// SPDX-License-Identifier: MIT
// FrameAllocator: bump allocation with lowest-first reuse.
// Part of a kernel (OS code), not of the machine.
#include "twinos/os/frame_allocator.h"

#include <algorithm>
#include <stdexcept>

namespace twinos::os {

using machine::kPageSize;
using machine::PhysAddr;

FrameAllocator::FrameAllocator(const machine::Partition& partition, std::uint64_t reserved_bytes)
    : partition_(partition),
      first_(std::min(reserved_bytes, partition.size_bytes) / kPageSize),
      next_unused_(first_) {}

std::optional<PhysAddr> FrameAllocator::allocate() {
    std::uint64_t index;
    if (!recycled_.empty()) {
        index = *recycled_.begin();
        recycled_.erase(recycled_.begin());
    } else if (next_unused_ < partition_.size_bytes / kPageSize) {
        index = next_unused_++;
    } else {
        return std::nullopt;
    }
    return partition_.base + index * kPageSize;
}

std::optional<PhysAddr> FrameAllocator::allocate_contiguous(std::uint64_t count) {
    // Fresh frames come from the bump region in order, so they are consecutive.
    if (count == 0 || count > partition_.size_bytes / kPageSize - next_unused_) return std::nullopt;
    const PhysAddr first = partition_.base + next_unused_ * kPageSize;
    next_unused_ += count;
    return first;
}

void FrameAllocator::free(PhysAddr frame) {
    if (!frame.page_aligned() || !partition_.contains(frame)) {
        throw std::logic_error("FrameAllocator: freeing a frame outside the partition");
    }
    const std::uint64_t index = (frame.value() - partition_.base.value()) / kPageSize;
    if (index < first_ || index >= next_unused_ || !recycled_.insert(index).second) {
        throw std::logic_error("FrameAllocator: double free");
    }
}

std::uint64_t FrameAllocator::free_frames() const {
    return partition_.size_bytes / kPageSize - next_unused_ + recycled_.size();
}

}  // namespace twinos::os
