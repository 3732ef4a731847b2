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
    return region;
}

}  // namespace capture
