// SPDX-License-Identifier: MIT
// MappedRegion: the one-time translation of a range.
#include "capture/mapped_region.h"

namespace capture {

using namespace twinos::machine;

std::optional<MappedRegion> MappedRegion::map(const AddressSpace& space, PhysicalMemory& memory,
                                              VirtAddr start, std::uint64_t bytes) {
    if (!start.page_aligned()) return std::nullopt;
    MappedRegion region;
    region.size_ = bytes;
    for (std::uint64_t off = 0; off < bytes; off += kPage) {
        const Translation t = space.translate(start + off, Access::Write);
        if (!t.ok()) return std::nullopt;
        region.pages_.push_back(memory.span(t.addr, kPage).data());
    }
    bool in_a_row = !region.pages_.empty();
    for (std::size_t i = 1; i < region.pages_.size() && in_a_row; ++i) {
        in_a_row = region.pages_[i] == region.pages_[0] + i * kPage;
    }
    if (in_a_row) region.contiguous_ = region.pages_[0];
    return region;
}

}  // namespace capture
