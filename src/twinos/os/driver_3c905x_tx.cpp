// SPDX-License-Identifier: MIT
// Driver3c905x: transmit (boomerang_start_xmit).
// OS code, written against the card's register interface only.
#include <algorithm>

#include "twinos/machine/costs.h"
#include "twinos/machine/el3_registers.h"
#include "twinos/os/driver_3c905x.h"

namespace twinos::os {

using namespace twinos::machine;
using namespace twinos::machine::el3;

// [twinos:driver-transmit]
bool Driver3c905x::transmit(std::span<const std::byte> frame) {
    if (!open_ || cur_tx_ - dirty_tx_ >= kTxRingSize || frame.size() > kDpdLengthMask) {
        ++stats_.tx_queue_full;
        return false;
    }
    kernel_.charge(kernel_.costs().driver_transmit);
    const int entry = static_cast<int>(cur_tx_ % kTxRingSize);
    const int prev = static_cast<int>((cur_tx_ + kTxRingSize - 1) % kTxRingSize);
    const auto length = static_cast<std::uint32_t>(frame.size());
    auto data = kernel_.dma_view(tx_buffers_[entry], 0, length);
    std::copy(frame.begin(), frame.end(), data.begin());
    tx_lengths_[entry] = length;
    // Fill the DPD: end of list, one fragment, "interrupt when downloaded".
    dpd_store(entry, kDpdNext, 0);
    dpd_store(entry, kDpdFragAddr, static_cast<std::uint32_t>(tx_buffers_[entry].pa.value()));
    dpd_store(entry, kDpdFragLength, length | kLastFrag);
    dpd_store(entry, kDpdHeader, length | kDpdTxIntrUploaded);
    // Hold the engine while the list changes under it.
    issue_and_wait(DownStall);
    dpd_store(prev, kDpdNext, static_cast<std::uint32_t>(dpd_address(entry).value()));
    if (kernel_.io().in32(port(kDownListPtr)) == 0) {
        // The engine had finished the list: point it at the new DPD.
        kernel_.io().out32(port(kDownListPtr),
                           static_cast<std::uint32_t>(dpd_address(entry).value()));
    }
    ++cur_tx_;
    // Interrupt mitigation: only the newest DPD asks for DownComplete.
    if (cur_tx_ - dirty_tx_ < kTxRingSize) {
        dpd_store(prev, kDpdHeader, dpd_load(prev, kDpdHeader) & ~kDpdTxIntrUploaded);
    }
    command(DownUnstall);
    return true;
}
// [/twinos:driver-transmit]

}  // namespace twinos::os
