// SPDX-License-Identifier: MIT
// Lab 2 cheat: deliver every frame, but save I/O by issuing UpUnstall once
// per call instead of once per UPD given back. The frames still arrive, so
// it looks right; the card's I/O count is what Table 1 measures, and the
// self-test proves this loses the give-back check.
#include "twinos/machine/el3_registers.h"
#include "twinos/os/driver_3c905x.h"

namespace twinos::os {

using namespace twinos::machine;
using namespace twinos::machine::el3;

int Driver3c905x::receive() {
    int consumed = 0;
    for (std::uint32_t status;
         consumed < kRxRingSize &&
         ((status = upd_load(cur_rx_ % kRxRingSize, kUpdStatus)) & kUpdComplete);
         ++consumed, ++cur_rx_) {
        const int entry = static_cast<int>(cur_rx_ % kRxRingSize);
        if (status & kUpdError) {
            ++stats_.rx_errors;
            if (status & (kUpdOversize | kUpdOverflow)) ++stats_.rx_length_errors;
        } else if (const std::uint32_t length = status & kUpdLengthMask;
                   length < options_.rx_copybreak) {
            auto data = kernel_.dma_view(rx_buffers_[entry], 2, length);
            copy_buffer_.assign(data.begin(), data.end());
            kernel_.net().input(copy_buffer_);
            ++stats_.rx_copied, ++stats_.rx_packets, stats_.rx_bytes += length;
        } else {
            const DmaBuffer full = rx_buffers_[entry];
            rx_buffers_[entry] = take_rx_buffer();
            upd_store(entry, kUpdFragAddr,
                      static_cast<std::uint32_t>(rx_buffers_[entry].pa.value() + 2));
            kernel_.net().input(kernel_.dma_view(full, 2, length));
            rx_spares_.push_back(full);
            ++stats_.rx_packets, stats_.rx_bytes += length;
        }
        upd_store(entry, kUpdStatus, 0);
    }
    if (consumed > 0) command(UpUnstall);  // the cheat: one I/O for the whole batch
    return consumed;
}

}  // namespace twinos::os
