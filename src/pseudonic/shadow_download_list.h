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
// What the monitor logs is what the card sends: when a DPD is new to the
// chain (the driver just queued it), its fragments are copied, once, into a
// buffer of the slot's own in the preceding OS's memory, and the shadow DPD
// names that copy. The guest can rewrite its buffer afterwards as it likes;
// the card reads the copy the monitor saw. (A copy per transmitted frame,
// charged as such; the receive side needs none, because there the card
// writes and the monitor reads after it.)
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
    /// The longest frame a slot's copy holds: a full Ethernet frame with a
    /// VLAN tag, and room to spare; longer is refused.
    static constexpr std::uint32_t kBounceBytes = 2048;
    /// Bytes of storage the list needs: the shadows, then one copy per slot.
    static constexpr std::uint32_t kStorageBytes = kMaxSlots * (kShadowStride + kBounceBytes);

    /// Shadows and copies stored at `storage` (kStorageBytes bytes).
    ShadowDownloadList(twinos::machine::PhysicalMemory& memory, const Confinement& confinement,
                       twinos::machine::PhysAddr storage)
        : memory_(memory), confinement_(confinement), storage_(storage) {}

    // ShadowDownloadList — public interface

    /// Shadow the driver's chain from `driver_dpd` to its end (next = 0):
    /// check everything first, then write every shadow, copying the frames
    /// of the DPDs new to it. `card_at` is the driver DPD the card will read
    /// next (0 when it is idle). All or nothing.
    /// @return the shadow of `driver_dpd`, or the refusal.
    std::optional<Refusal> shadow_chain(std::uint32_t driver_dpd, std::uint32_t& shadow_head,
                                        std::uint32_t card_at);

    /// DPDs whose frame was copied (and shown to the monitor) but that a
    /// later chain left out before the card read them: logged, never sent.
    std::uint64_t abandoned() const { return abandoned_; }

    /// One DPD of the chain last shadowed: the driver's address, the copy
    /// the card will send (one fragment: bus address, length), and whether
    /// the DPD was new to the chain (its copy was made by this call).
    struct ChainEntry {
        std::uint32_t driver_dpd;                                        ///< The driver\'s DPD.
        std::vector<std::pair<std::uint32_t, std::uint32_t>> fragments;  ///< (bus address, length).
        bool is_new = false;                                             ///< Copied just now.
    };
    /// The chain `shadow_chain` last accepted, in order.
    const std::vector<ChainEntry>& last_chain() const { return last_chain_; }

    /// The driver DPD a shadow stands for (0 for 0 or an unknown address).
    std::uint32_t driver_address_of(std::uint32_t shadow) const;

private:
    std::uint32_t slot_for(std::uint32_t driver_dpd);
    // The copy buffer of the slot whose shadow is at `shadow`.
    std::uint32_t bounce_of(std::uint32_t shadow) const;
    twinos::machine::PhysicalMemory& memory_;
    const Confinement& confinement_;
    twinos::machine::PhysAddr storage_;
    std::map<std::uint32_t, std::uint32_t> slots_;  // driver DPD -> shadow bus address
    std::vector<ChainEntry> last_chain_;
    std::uint64_t abandoned_ = 0;
};

}  // namespace pseudonic
