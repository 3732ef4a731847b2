// SPDX-License-Identifier: MIT
// ShadowUploadList: checking and copying a driver UPD's fragments into its shadow.
// Part of the pseudo NIC (preceding OS).
//
// `build` (the UpListPtr trap's list walk) is in shadow_list_build.cpp, the
// file lab 3 hands out; publishing completed frames and re-arming given-back
// UPDs, once a frame each, are inline in shadow_upload_list.h.
#include "pseudonic/shadow_upload_list.h"

#include "twinos/machine/el3_registers.h"
#include "twinos/machine/little_endian.h"

namespace pseudonic {

using namespace twinos::machine;
using namespace twinos::machine::el3;

std::optional<Refusal> ShadowUploadList::check(std::uint32_t address, std::uint32_t length,
                                               const std::string& what) const {
    if (auto cause = confinement_.check(address, length)) {
        return Refusal{*cause, what, address, length};
    }
    return std::nullopt;
}

std::uint32_t ShadowUploadList::head() const {
    return entries_.empty() ? 0 : static_cast<std::uint32_t>(shadow_address(0).value());
}

std::optional<Refusal> ShadowUploadList::copy_fragments(std::uint32_t upd, PhysAddr shadow) {
    // Check every fragment first; write the shadow only when all pass.
    std::uint32_t pairs[kMaxFragments][2];
    int n = 0;
    for (; n < kMaxFragments; ++n) {
        const std::uint32_t pair_at = upd + kUpdFragAddr + n * kFragmentPairBytes;
        // This runs for every received frame: the refusal's text is built
        // only when there is a refusal.
        if (auto cause = confinement_.check(upd, pair_at + kFragmentPairBytes - upd)) {
            return Refusal{*cause, "UPD fragment pair", upd, pair_at + kFragmentPairBytes - upd};
        }
        pairs[n][0] = memory_.read32(PhysAddr{pair_at});
        pairs[n][1] = memory_.read32(PhysAddr{pair_at + 4});
        if (auto cause = confinement_.check(pairs[n][0], pairs[n][1] & kFragLengthMask)) {
            return Refusal{*cause, "UPD fragment " + std::to_string(n), pairs[n][0],
                           pairs[n][1] & kFragLengthMask};
        }
        if (pairs[n][1] & kLastFrag) break;
    }
    if (n == kMaxFragments) --n;  // 63 fragments without lastFrag: the card stops there too
    for (int i = 0; i <= n; ++i) {
        memory_.write32(shadow + kUpdFragAddr + i * kFragmentPairBytes, pairs[i][0]);
        memory_.write32(shadow + kUpdFragLength + i * kFragmentPairBytes,
                        pairs[i][1] | (i == n ? kLastFrag : 0));
    }
    return std::nullopt;
}

}  // namespace pseudonic
