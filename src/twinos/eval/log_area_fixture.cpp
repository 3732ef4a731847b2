// SPDX-License-Identifier: MIT
// LogAreaFixture: mapping the log area page by page.
#include "twinos/eval/log_area_fixture.h"

#include <algorithm>
#include <stdexcept>

#include "capture/mapped_region.h"

namespace twinos::eval {

using namespace twinos::machine;

LogAreaFixture::LogAreaFixture()
    : memory(kBase + kArea + 2 * kPageSize),
      space("log area", memory,
            {Partition{OsId::Preceding, PhysAddr{0}, kBase + kArea + 2 * kPageSize}}) {
    for (std::uint64_t i = 0; i <= kArea / kPageSize; ++i) {
        space.map(VirtAddr{kVa + i * kPageSize}, PhysAddr{kBase + i * kPageSize}, Perm::ReadWrite);
    }
    auto control = capture::MappedRegion::map(space, memory, VirtAddr{kVa}, kPageSize);
    auto area = capture::MappedRegion::map(space, memory, VirtAddr{kVa + kPageSize}, kArea);
    if (!control || !area) throw std::logic_error("log area fixture: mapping failed");
    auto all = memory.span(PhysAddr{kBase}, kArea + kPageSize);
    std::fill(all.begin(), all.end(), std::byte{0});
    ring = std::make_unique<capture::LogRing>(*control, *area);
    reader = std::make_unique<capture::LogReader>(*control, *area);
    ring->initialise();
}

}  // namespace twinos::eval
