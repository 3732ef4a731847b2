// SPDX-License-Identifier: MIT
// Lab 2 cheat: the walk without its bound of kRxRingSize UPDs per call. On
// an ordinary ring it stops by itself; when the card refills given-back UPDs
// from its FIFO during the walk it goes round again, and one call takes more
// than the ring holds.
#include <algorithm>

#include "twinos/machine/el3_registers.h"
#include "twinos/os/driver_3c905x.h"

namespace twinos::os {

using namespace twinos::machine;
using namespace twinos::machine::el3;

namespace {
constexpr std::uint32_t kIpAlign = 2;  // see driver_3c905x_open.cpp
}

int Driver3c905x::receive() {
    int packets = 0;
    int entry = static_cast<int>(cur_rx_ % kRxRingSize);
    std::uint32_t status;
    while (((status = upd_load(entry, kUpdStatus)) & kUpdComplete)) {
        if (status & kUpdError) {
            ++stats_.rx_errors;
            if (status & (kUpdOversize | kUpdOverflow)) ++stats_.rx_length_errors;
        } else {
            const std::uint32_t length = status & kUpdLengthMask;
            if (length < options_.rx_copybreak) {
                // Small frame: copy it out; the ring buffer stays where it is.
                auto data = kernel_.dma_view(rx_buffers_[entry], kIpAlign, length);
                copy_buffer_.assign(data.begin(), data.end());
                kernel_.net().input(copy_buffer_);
                ++stats_.rx_copied;
            } else {
                // Large frame: pass the buffer itself up and give the UPD a
                // fresh one -- so the UPD's address changes.
                DmaBuffer full = rx_buffers_[entry];
                rx_buffers_[entry] = take_rx_buffer();
                upd_store(entry, kUpdFragAddr,
                          static_cast<std::uint32_t>(rx_buffers_[entry].pa.value() + kIpAlign));
                kernel_.net().input(kernel_.dma_view(full, kIpAlign, length));
                rx_spares_.push_back(full);  // the stack is done with it
            }
            ++stats_.rx_packets;
            stats_.rx_bytes += length;
        }
        // Give the UPD back to the card, and let a stalled engine go on.
        upd_store(entry, kUpdStatus, 0);
        command(UpUnstall);
        entry = static_cast<int>(++cur_rx_ % kRxRingSize);
        ++packets;
    }
    return packets;
}

}  // namespace twinos::os
