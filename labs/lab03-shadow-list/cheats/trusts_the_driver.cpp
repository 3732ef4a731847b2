// SPDX-License-Identifier: MIT
// Lab 3 cheat: shadow the driver's list without checking where its UPDs
// lie -- the card then walks descriptors wherever the co-existing OS says,
// including the preceding OS's memory. Frames still flow, so everything
// looks right until a hostile driver tries; the self-test proves this earns
// nothing for confinement.
#include "pseudonic/shadow_upload_list.h"
#include "twinos/machine/el3_registers.h"

namespace pseudonic {

using namespace twinos::machine;
using namespace twinos::machine::el3;

std::optional<Refusal> ShadowUploadList::build(std::uint32_t driver_head) {
    entries_.clear();
    publish_cursor_ = rearm_cursor_ = 0;
    std::vector<std::uint32_t> upds;
    bool ring = false;
    for (std::uint32_t upd = driver_head; upd != 0 && upds.size() < kMaxEntries;
         upd = memory_.read32(PhysAddr{upd + kUpdNext})) {
        if ((ring = !upds.empty() && upd == driver_head)) break;
        upds.push_back(upd);  // the cheat: no check(), no alignment, no loop test
    }
    for (std::size_t i = 0; i < upds.size(); ++i) {
        const PhysAddr shadow = shadow_address(i);
        if (auto r = copy_fragments(upds[i], shadow)) return entries_.clear(), r;
        const std::size_t next = i + 1 < upds.size() ? i + 1 : 0;
        memory_.write32(shadow + kUpdNext,
                        i + 1 < upds.size() || ring
                            ? static_cast<std::uint32_t>(shadow_address(next).value())
                            : 0);
        const bool held = memory_.read32(PhysAddr{upds[i] + kUpdStatus}) & kUpdComplete;
        memory_.write32(shadow + kUpdStatus, held ? kUpdComplete : 0);
        entries_.push_back({upds[i], held ? State::Published : State::Armed});
    }
    return std::nullopt;
}

}  // namespace pseudonic
