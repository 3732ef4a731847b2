// SPDX-License-Identifier: MIT
// ShadowUploadList: the pseudo NIC's own UPDs, pointing at the co-existing OS's buffers.
// Part of the pseudo NIC (preceding OS).
//
// Paper §2.3.1, Fig. 4: "the co-existing OS's driver holds the buffers and
// their management structures; the pseudo NIC holds only management
// structures." When the driver writes UpListPtr, the pseudo NIC walks the
// driver's UPD list, checks every address in it, and builds a shadow UPD in
// the preceding OS's memory for each driver UPD, naming the *same* buffers.
// The real card is pointed at the shadow list. It DMAs each frame straight
// into the driver's buffer and completes the shadow UPD; in step (A) the
// pseudo NIC copies the status into the driver's UPD. When the driver gives a
// UPD back (status 0, then UpUnstall) the pseudo NIC re-reads that UPD --
// the driver may have put a new buffer in it -- checks it again, and re-arms
// the shadow.
//
// Each shadow entry is Armed (the card may fill it) or Published (the driver
// holds the frame). The co-existing OS can only ever change its own UPDs;
// the card only ever sees shadows that passed the checks.
//
// Paper: §2.3.1 (Fig. 4). Chapter: chapters/04-pseudo-nic.rst.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "pseudonic/confinement.h"
#include "twinos/machine/el3_registers.h"
#include "twinos/machine/little_endian.h"
#include "twinos/machine/physical_memory.h"

namespace pseudonic {

/// Where a refused list or descriptor went wrong.
struct Refusal {
    SecurityCause cause;        ///< Why.
    std::string what;           ///< Which field.
    std::uint32_t address = 0;  ///< The offending address.
    std::uint32_t length = 0;   ///< Its length.
};

/// One frame the card has uploaded, as step (A) sees it: its fragments are
/// the co-existing OS's buffers, and the bytes are already in them.
struct UploadedFrame {
    std::uint32_t driver_upd = 0;       ///< The driver's UPD for it.
    std::int64_t wire_time_ns = 0;      ///< When it arrived (the card's receive stamp).
    std::uint32_t original_length = 0;  ///< Its length where it was captured (ditto).
    std::uint32_t status = 0;           ///< The UPD status the card wrote.
    /// (address, length) of each of its fragments.
    std::span<const std::pair<std::uint32_t, std::uint32_t>> fragments() const {
        return {fragment_pairs.data(), fragment_count};
    }
    /// Where fragments() lies: in place, as many as a UPD can hold, so that
    /// publishing a frame fills slots instead of growing a vector.
    std::array<std::pair<std::uint32_t, std::uint32_t>, twinos::machine::el3::kMaxFragments>
        fragment_pairs;
    std::size_t fragment_count = 0;  ///< How many of fragment_pairs are its.
};

/// The shadow list of upload descriptors.
class ShadowUploadList {
public:
    /// The most UPDs the pseudo NIC will shadow (the driver uses 32).
    static constexpr int kMaxEntries = 256;
    /// Bytes of preceding-OS memory per shadow UPD: room for 63 fragments
    /// and the card's receive stamp after them (`el3::kUpdStampOffset`).
    static constexpr std::uint32_t kShadowStride =
        twinos::machine::el3::kUpdStampOffset + twinos::machine::el3::kUpdStampBytes;

    /// A list stored at `storage` (kMaxEntries x kShadowStride bytes of the
    /// preceding OS's memory), checking addresses with `confinement`.
    ShadowUploadList(twinos::machine::PhysicalMemory& memory, const Confinement& confinement,
                     twinos::machine::PhysAddr storage)
        : memory_(memory), confinement_(confinement), storage_(storage) {}

    // ShadowUploadList — public interface

    /// Shadow the driver's list starting at `driver_head` (the value it
    /// wrote to UpListPtr): check every UPD, next pointer and fragment, then
    /// build the shadows. All or nothing. A head of 0 empties the list.
    /// @return nothing on success, else the first refusal (list left empty).
    std::optional<Refusal> build(std::uint32_t driver_head);

    /// The bus address of the first shadow UPD, for the real UpListPtr (0 if empty).
    std::uint32_t head() const;

    /// Step (A): for each shadow the card completed since the last call, in
    /// order, copy its status into the driver's UPD and report the frame.
    /// @return the frames published.
    /// (Inline, at the end of this file, as is rearm_given_back: each runs
    /// once a frame, and a call would cost more than its own check.)
    [[gnu::always_inline]] std::span<UploadedFrame> publish_completed();

    /// After UpUnstall: re-arm every shadow whose driver UPD was given back,
    /// in order, re-reading and re-checking its fragments.
    /// @return nothing, or the refusal that left that shadow disarmed.
    [[gnu::always_inline]] std::optional<Refusal> rearm_given_back();

    /// Number of shadowed UPDs.
    std::size_t size() const { return entries_.size(); }
    /// The driver UPD of entry `i`.
    std::uint32_t driver_upd(std::size_t i) const { return entries_[i].driver_upd; }
    /// The shadow UPD of entry `i`.
    twinos::machine::PhysAddr shadow_upd(std::size_t i) const { return shadow_address(i); }
    /// The status the card wrote into the most recently published shadow.
    std::uint32_t last_status() const { return last_status_; }

private:
    enum class State : std::uint8_t { Armed, Published };
    struct Entry {
        std::uint32_t driver_upd;
        State state;
        // The one fragment (address, length word) this shadow was last
        // armed with after passing the checks; length 0: none remembered
        // (the UPD had several fragments, or was never re-armed).
        std::uint32_t checked_address = 0;
        std::uint32_t checked_length = 0;
    };
    // The re-arm shortcut (chapters 4 and 7). Invariant that makes it safe:
    // when the driver's UPD names, as its one fragment, exactly the pair this
    // shadow was armed with, that pair passed the confinement checks then,
    // the co-existing OS's partition never moves, and the shadow still holds
    // the pair (the card writes a shadow's status and stamp, never its
    // fragments) -- so checking and copying again would change nothing. A
    // test re-arms through both paths and compares the shadows byte for byte.
    static bool names_fragment_checked_before(const Entry& e, std::uint32_t address,
                                              std::uint32_t length) {
        return e.checked_length != 0 && address == e.checked_address && length == e.checked_length;
    }
    twinos::machine::PhysAddr shadow_address(std::size_t i) const {
        return storage_ + i * kShadowStride;
    }
    // Check the driver UPD at `upd` and copy its fragments into `shadow`.
    std::optional<Refusal> copy_fragments(std::uint32_t upd, twinos::machine::PhysAddr shadow);
    std::optional<Refusal> check(std::uint32_t address, std::uint32_t length,
                                 const std::string& what) const;

    twinos::machine::PhysicalMemory& memory_;
    const Confinement& confinement_;
    twinos::machine::PhysAddr storage_;
    std::vector<Entry> entries_;
    std::size_t publish_cursor_ = 0;
    std::size_t rearm_cursor_ = 0;
    std::uint32_t last_status_ = 0;
    // Reused by every publish_completed(): entries (and their fragment
    // vectors) are overwritten in place, never freed, so publishing a frame
    // allocates nothing once the list has been round once.
    std::vector<UploadedFrame> published_;
};

// ShadowUploadList -- the two steps of every frame, inline: step (A)'s
// publish and UpUnstall's re-arm, each one call less a frame (chapter 7).
// [pseudonic:publish-completed]
inline std::span<UploadedFrame> ShadowUploadList::publish_completed() {
    using namespace twinos::machine;
    using namespace twinos::machine::el3;
    std::size_t count = 0;
    while (!entries_.empty()) {
        Entry& e = entries_[publish_cursor_];
        // The shadow is the pseudo NIC's own memory: one bounds check for
        // all of it, then its words are read where they lie.
        const std::byte* const shadow =
            memory_.span(shadow_address(publish_cursor_), kShadowStride).data();
        auto word = [shadow](std::uint32_t offset) { return load_le32(shadow + offset); };
        const std::uint32_t status = word(kUpdStatus);
        if (e.state != State::Armed || !(status & kUpdComplete)) break;
        // The frame is already in the driver's buffer (the card put it
        // there); the driver learns of it from its own UPD's status.
        memory_.write32(PhysAddr{e.driver_upd + kUpdStatus}, status);
        e.state = State::Published;
        last_status_ = status;
        if (count == published_.size()) published_.emplace_back();
        UploadedFrame& frame = published_[count++];
        frame.driver_upd = e.driver_upd;
        frame.status = status;
        // The card's receive stamp, in the shadow's extension (el3_registers.h).
        frame.wire_time_ns = static_cast<std::int64_t>(
            (std::uint64_t{word(kUpdStampTimeHigh)} << 32) | word(kUpdStampTimeLow));
        frame.original_length = word(kUpdStampLength);
        std::size_t n = 0;
        for (std::uint32_t i = 0; i < kMaxFragments; ++i) {
            const std::uint32_t length = word(kUpdFragLength + i * kFragmentPairBytes);
            frame.fragment_pairs[n++] = {word(kUpdFragAddr + i * kFragmentPairBytes),
                                         length & kFragLengthMask};
            if (length & kLastFrag) break;
        }
        frame.fragment_count = n;
        if (++publish_cursor_ == entries_.size()) publish_cursor_ = 0;
    }
    return std::span<UploadedFrame>(published_.data(), count);
}
// [/pseudonic:publish-completed]

// [pseudonic:rearm]
inline std::optional<Refusal> ShadowUploadList::rearm_given_back() {
    using namespace twinos::machine;
    using namespace twinos::machine::el3;
    while (!entries_.empty()) {
        Entry& e = entries_[rearm_cursor_];
        if (e.state != State::Published) break;
        // The driver's UPD lies in its partition (build checked all 16
        // bytes): one bounds check, then its words where they lie.
        const std::byte* const upd = memory_.span(PhysAddr{e.driver_upd}, kUpdBytes).data();
        // Given back means the driver cleared its UPD's status.
        if (load_le32(upd + kUpdStatus) != 0) break;
        // The driver may have put a new buffer in the UPD: re-read and
        // re-check it. A refused UPD stays disarmed, so the card stalls
        // there instead of writing somewhere it must not.
        const PhysAddr shadow = shadow_address(rearm_cursor_);
        // The common case: the driver copied a small frame out and kept its
        // buffer, so the UPD still names the fragment checked last time.
        const std::uint32_t address = load_le32(upd + kUpdFragAddr);
        const std::uint32_t length = load_le32(upd + kUpdFragLength);
        if (!names_fragment_checked_before(e, address, length)) {
            if (auto refused = copy_fragments(e.driver_upd, shadow)) return refused;
            const bool single = (length & kLastFrag) != 0;
            e.checked_address = single ? address : 0;
            e.checked_length = single ? length : 0;
        }
        memory_.write32(shadow + kUpdStatus, 0);
        e.state = State::Armed;
        if (++rearm_cursor_ == entries_.size()) rearm_cursor_ = 0;
    }
    return std::nullopt;
}
// [/pseudonic:rearm]

}  // namespace pseudonic
