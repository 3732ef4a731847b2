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

std::uint32_t ShadowDownloadList::bounce_of(std::uint32_t shadow) const {
    const std::uint32_t slot =
        (shadow - static_cast<std::uint32_t>(storage_.value())) / kShadowStride;
    return static_cast<std::uint32_t>(
        (storage_ + std::uint64_t{kMaxSlots} * kShadowStride + std::uint64_t{slot} * kBounceBytes)
            .value());
}

std::uint32_t ShadowDownloadList::driver_address_of(std::uint32_t shadow) const {
    for (const auto& [driver, mine] : slots_) {
        if (mine == shadow) return driver;
    }
    return 0;
}

// [pseudonic:shadow-dpd-chain]
std::optional<Refusal> ShadowDownloadList::shadow_chain(std::uint32_t driver_dpd,
                                                        std::uint32_t& shadow_head,
                                                        std::uint32_t card_at) {
    struct Checked {
        std::uint32_t dpd, next, header;
        std::vector<std::pair<std::uint32_t, std::uint32_t>> fragments;
        std::uint32_t bytes = 0;  // the frame's length, all fragments together
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
            c.bytes += length & kFragLengthMask;
            if (length & kLastFrag) break;
        }
        if (c.bytes > kBounceBytes)
            return Refusal{SecurityCause::FrameTooLong, "DPD frame", dpd, c.bytes};
        dpd = c.next;
        chain.push_back(std::move(c));
    }
    // Everything checked. A DPD the card has not yet read since its frame
    // was copied keeps its copy; every other DPD of the chain is new and
    // has its frame copied now, once, into its slot's buffer. The card sends
    // that copy, so what the monitor logs from it is what goes on the wire,
    // whatever the guest writes into its own buffer later. Pending are the
    // DPDs of the last chain from the one the card is at onwards.
    std::vector<ChainEntry> pending;
    bool from_card = false;
    for (const ChainEntry& e : last_chain_) {
        from_card = from_card || (card_at != 0 && e.driver_dpd == card_at);
        if (from_card) pending.push_back(e);
    }
    auto pending_entry = [&](std::uint32_t dpd) -> const ChainEntry* {
        for (const ChainEntry& e : pending) {
            if (e.driver_dpd == dpd) return &e;
        }
        return nullptr;
    };
    // A pending DPD the new chain leaves out was logged but will not be sent.
    for (const ChainEntry& e : pending) {
        if (std::none_of(chain.begin(), chain.end(),
                         [&](const Checked& c) { return c.dpd == e.driver_dpd; }))
            ++abandoned_;
    }
    std::vector<ChainEntry> accepted(chain.size());
    shadow_head = 0;
    for (std::size_t i = chain.size(); i-- > 0;) {
        const Checked& c = chain[i];
        const PhysAddr shadow{slot_for(c.dpd)};
        const std::uint32_t bounce = bounce_of(static_cast<std::uint32_t>(shadow.value()));
        const ChainEntry* kept = pending_entry(c.dpd);
        std::uint32_t bytes = c.bytes;
        if (kept != nullptr) {
            bytes = kept->fragments.front().second;  // its copy stays as the monitor saw it
        } else {
            std::uint32_t at = bounce;
            for (auto [addr, length] : c.fragments) {
                const std::uint32_t n = length & kFragLengthMask;
                memory_.write(PhysAddr{at}, memory_.span(PhysAddr{addr}, n));
                at += n;
            }
        }
        memory_.write32(shadow + kDpdNext, i + 1 < chain.size() ? slot_for(chain[i + 1].dpd) : 0);
        memory_.write32(shadow + kDpdHeader, c.header);
        memory_.write32(shadow + kDpdFragAddr, bounce);
        memory_.write32(shadow + kDpdFragLength, bytes | kLastFrag);
        shadow_head = static_cast<std::uint32_t>(shadow.value());
        accepted[i] = {c.dpd, {{bounce, bytes}}, kept == nullptr};
    }
    last_chain_ = std::move(accepted);
    return std::nullopt;
}
// [/pseudonic:shadow-dpd-chain]

}  // namespace pseudonic
