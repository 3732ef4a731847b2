// SPDX-License-Identifier: MIT
// ShadowDownloadList: the pseudo NIC's own DPDs for what the co-existing OS transmits.
// Part of the pseudo NIC (preceding OS).
//
// Transmit is the paper's future work; it needs the same guard as receive,
// in the other direction: a DPD fragment in the preceding OS's memory would
// put the monitor's log on the wire. When the driver writes DownListPtr, and
// again whenever it lets a stalled download engine go on (DownUnstall, after
// it linked a new DPD into a list the card is still working on), the pseudo
// NIC re-shadows the driver's chain from the DPD the card is at: every DPD,
// next pointer and fragment is checked, and the card only ever walks
// shadows. Each driver DPD keeps one shadow slot for good, so the card's
// DownListPtr can be translated back to the driver's own DPD address when
// the driver reads it to reclaim.
//
// Paper: §5 (future work: transmitted packets). Chapter: chapters/04-pseudo-nic.rst.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "pseudonic/shadow_upload_list.h"

namespace pseudonic {

/// The shadow list of download descriptors.
class ShadowDownloadList {
public:
    /// The most distinct DPDs shadowed (the driver's ring has 16).
    static constexpr int kMaxSlots = 64;
    /// The longest chain followed in one go.
    static constexpr int kMaxChain = 64;
    /// Bytes per shadow DPD: room for 63 fragments.
    static constexpr std::uint32_t kShadowStride = 8 + 63 * 8;

    /// Shadows stored at `storage` (kMaxSlots x kShadowStride bytes).
    ShadowDownloadList(twinos::machine::PhysicalMemory& memory, const Confinement& confinement,
                       twinos::machine::PhysAddr storage)
        : memory_(memory), confinement_(confinement), storage_(storage) {}

    // ShadowDownloadList — public interface

    /// Shadow the driver's chain from `driver_dpd` to its end (next = 0):
    /// check everything first, then write every shadow. All or nothing.
    /// @return the shadow of `driver_dpd`, or the refusal.
    std::optional<Refusal> shadow_chain(std::uint32_t driver_dpd, std::uint32_t& shadow_head);

    /// One DPD of the chain last shadowed: the driver's address and its
    /// fragments (bus address, length), all checked.
    struct ChainEntry {
        std::uint32_t driver_dpd;                                        ///< The driver\'s DPD.
        std::vector<std::pair<std::uint32_t, std::uint32_t>> fragments;  ///< (bus address, length).
    };
    /// The chain `shadow_chain` last accepted, in order.
    const std::vector<ChainEntry>& last_chain() const { return last_chain_; }

    /// The driver DPD a shadow stands for (0 for 0 or an unknown address).
    std::uint32_t driver_address_of(std::uint32_t shadow) const;

private:
    std::uint32_t slot_for(std::uint32_t driver_dpd);
    twinos::machine::PhysicalMemory& memory_;
    const Confinement& confinement_;
    twinos::machine::PhysAddr storage_;
    std::map<std::uint32_t, std::uint32_t> slots_;  // driver DPD -> shadow bus address
    std::vector<ChainEntry> last_chain_;
};

}  // namespace pseudonic
