// SPDX-License-Identifier: MIT
// GuestCapture: both directions through the taps, into a rewritable file.
#include "twinos/os/guest_capture.h"

#include <algorithm>

namespace twinos::os {

GuestCapture::GuestCapture(Kernel& kernel) : kernel_(kernel) {
    kernel_.net().add_tap([this](std::span<const std::byte> frame) {
        records_.push_back({kernel_.now(), false, {frame.begin(), frame.end()}});
    });
    kernel_.net().add_tx_tap([this](std::span<const std::byte> frame) {
        records_.push_back({kernel_.now(), true, {frame.begin(), frame.end()}});
    });
}

std::size_t GuestCapture::erase_if(const std::function<bool(const GuestRecord&)>& evidence) {
    return std::erase_if(records_, evidence);
}

}  // namespace twinos::os
