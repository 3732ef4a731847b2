// SPDX-License-Identifier: MIT
// Lab 3 cheat: when a fragment is refused halfway through the build, the
// shadows built before it are kept -- half a list, which the card could walk.
#include <algorithm>

#include "pseudonic/shadow_upload_list.h"
#include "twinos/machine/el3_registers.h"

namespace pseudonic {

using namespace twinos::machine;
using namespace twinos::machine::el3;

std::optional<Refusal> ShadowUploadList::build(std::uint32_t driver_head) {
    entries_.clear();
    publish_cursor_ = rearm_cursor_ = 0;
    if (driver_head == 0) return std::nullopt;  // no list: the card will not receive

    // Walk the driver's list, checking as we go; nothing is written yet.
    std::vector<std::uint32_t> upds;
    bool circular = false;
    std::uint32_t upd = driver_head;
    while (upd != 0) {
        if (upd == driver_head && !upds.empty()) {
            circular = true;  // closed back on its head: a ring, as Linux builds it
            break;
        }
        if (std::find(upds.begin(), upds.end(), upd) != upds.end()) {
            return Refusal{SecurityCause::ChainLoops, "UPD next pointer", upd, kUpdBytes};
        }
        if (upds.size() == kMaxEntries) {
            return Refusal{SecurityCause::ChainTooLong, "UPD list", driver_head, 0};
        }
        if (auto r = check(upd, kUpdBytes, upds.empty() ? "UpListPtr" : "UPD next pointer")) {
            return r;
        }
        if (upd % 8 != 0) return Refusal{SecurityCause::Misaligned, "UPD", upd, kUpdBytes};
        upds.push_back(upd);
        upd = memory_.read32(PhysAddr{upd + kUpdNext});
    }

    // Build one shadow per UPD, naming the driver's own buffers.
    for (std::size_t i = 0; i < upds.size(); ++i) {
        const PhysAddr shadow = shadow_address(i);
        if (auto r = copy_fragments(upds[i], shadow)) {
            return r;
        }
        const bool last = i + 1 == upds.size();
        const std::uint32_t next =
            last ? (circular ? static_cast<std::uint32_t>(shadow_address(0).value()) : 0)
                 : static_cast<std::uint32_t>(shadow_address(i + 1).value());
        memory_.write32(shadow + kUpdNext, next);
        // A UPD the driver still holds (complete) stays disarmed until given back.
        const bool held = memory_.read32(PhysAddr{upds[i] + kUpdStatus}) & kUpdComplete;
        memory_.write32(shadow + kUpdStatus, held ? kUpdComplete : 0);
        entries_.push_back({upds[i], held ? State::Published : State::Armed});
    }
    return std::nullopt;
}

}  // namespace pseudonic
