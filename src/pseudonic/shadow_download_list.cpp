// SPDX-License-Identifier: MIT
// ShadowDownloadList: checking and shadowing the driver's DPD chain.
// Part of the pseudo NIC (preceding OS).
#include "pseudonic/shadow_download_list.h"

#include <algorithm>

#include "twinos/machine/el3_registers.h"

namespace pseudonic {

using namespace twinos::machine;
using namespace twinos::machine::el3;

std::uint32_t ShadowDownloadList::slot_for(std::uint32_t driver_dpd) {
    auto it = slots_.find(driver_dpd);
    if (it != slots_.end()) return it->second;
    const auto shadow =
        static_cast<std::uint32_t>((storage_ + slots_.size() * kShadowStride).value());
    slots_.emplace(driver_dpd, shadow);
    return shadow;
}

std::uint32_t ShadowDownloadList::driver_address_of(std::uint32_t shadow) const {
    for (const auto& [driver, mine] : slots_) {
        if (mine == shadow) return driver;
    }
    return 0;
}

// [pseudonic:shadow-dpd-chain]
std::optional<Refusal> ShadowDownloadList::shadow_chain(std::uint32_t driver_dpd,
                                                        std::uint32_t& shadow_head) {
    struct Checked {
        std::uint32_t dpd, next, header;
        std::vector<std::pair<std::uint32_t, std::uint32_t>> fragments;
    };
    std::vector<Checked> chain;
    std::size_t new_slots = 0;
    // Walk and check the whole chain before touching any shadow.
    for (std::uint32_t dpd = driver_dpd; dpd != 0;) {
        for (const Checked& c : chain) {
            if (c.dpd == dpd)
                return Refusal{SecurityCause::ChainLoops, "DPD next pointer", dpd, kDpdBytes};
        }
        if (chain.size() == kMaxChain)
            return Refusal{SecurityCause::ChainTooLong, "DPD chain", driver_dpd, 0};
        if (!slots_.count(dpd) && slots_.size() + ++new_slots > kMaxSlots) {
            return Refusal{SecurityCause::ChainTooLong, "DPD slots", dpd, 0};
        }
        const char* what = chain.empty() ? "DownListPtr" : "DPD next pointer";
        if (auto cause = confinement_.check(dpd, kDpdBytes))
            return Refusal{*cause, what, dpd, kDpdBytes};
        if (dpd % 8 != 0) return Refusal{SecurityCause::Misaligned, "DPD", dpd, kDpdBytes};
        Checked c{dpd,
                  memory_.read32(PhysAddr{dpd + kDpdNext}),
                  memory_.read32(PhysAddr{dpd + kDpdHeader}),
                  {}};
        for (int i = 0; i < kMaxFragments; ++i) {
            const std::uint32_t pair = dpd + kDpdFragAddr + i * kFragmentPairBytes;
            if (auto cause = confinement_.check(dpd, pair + kFragmentPairBytes - dpd)) {
                return Refusal{*cause, "DPD fragment pair", dpd, pair + kFragmentPairBytes - dpd};
            }
            const std::uint32_t addr = memory_.read32(PhysAddr{pair});
            const std::uint32_t length = memory_.read32(PhysAddr{pair + 4});
            if (auto cause = confinement_.check(addr, length & kFragLengthMask)) {
                return Refusal{*cause, "DPD fragment " + std::to_string(i), addr,
                               length & kFragLengthMask};
            }
            c.fragments.emplace_back(addr, length);
            if (length & kLastFrag) break;
        }
        dpd = c.next;
        chain.push_back(std::move(c));
    }
    // Everything checked: write the shadows, linked to each other.
    shadow_head = 0;
    last_chain_.clear();
    for (const Checked& c : chain) {
        ChainEntry e{c.dpd, {}};
        for (auto [addr, length] : c.fragments)
            e.fragments.emplace_back(addr, length & kFragLengthMask);
        last_chain_.push_back(std::move(e));
    }
    for (std::size_t i = chain.size(); i-- > 0;) {
        const Checked& c = chain[i];
        const PhysAddr shadow{slot_for(c.dpd)};
        memory_.write32(shadow + kDpdNext, i + 1 < chain.size() ? slot_for(chain[i + 1].dpd) : 0);
        memory_.write32(shadow + kDpdHeader, c.header);
        for (std::size_t f = 0; f < c.fragments.size(); ++f) {
            const bool last = f + 1 == c.fragments.size();
            memory_.write32(shadow + kDpdFragAddr + f * 8, c.fragments[f].first);
            memory_.write32(shadow + kDpdFragLength + f * 8,
                            c.fragments[f].second | (last ? kLastFrag : 0));
        }
        shadow_head = static_cast<std::uint32_t>(shadow.value());
    }
    return std::nullopt;
}
// [/pseudonic:shadow-dpd-chain]

}  // namespace pseudonic
