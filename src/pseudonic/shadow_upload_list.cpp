// SPDX-License-Identifier: MIT
// ShadowUploadList: publishing completed frames and re-arming given-back UPDs.
// Part of the pseudo NIC (preceding OS).
//
// `build` (the UpListPtr trap's list walk) is in shadow_list_build.cpp, the
// file lab 3 hands out.
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

// [pseudonic:publish-completed]
std::span<UploadedFrame> ShadowUploadList::publish_completed() {
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
std::optional<Refusal> ShadowUploadList::rearm_given_back() {
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
