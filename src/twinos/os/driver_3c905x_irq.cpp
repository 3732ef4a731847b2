// SPDX-License-Identifier: MIT
// Driver3c905x: the interrupt handler (boomerang_interrupt) and transmit reclaim.
// OS code, written against the card's register interface only.
#include <algorithm>

#include "twinos/machine/costs.h"
#include "twinos/machine/el3_registers.h"
#include "twinos/os/driver_3c905x.h"

namespace twinos::os {

using namespace twinos::machine;
using namespace twinos::machine::el3;

// [twinos:driver-interrupt]
void Driver3c905x::interrupt(int) {
    const auto io_before = kernel_.io_count();
    const machine::Ticks entered = kernel_.cycle_counter();
    ++stats_.interrupts;
    std::uint16_t status = kernel_.io().in16(port(kStatus));  // I/O 1
    if (!(status & IntLatch)) {
        // Not this card's interrupt (the line may be shared).
        ++stats_.not_ours;
        stats_.io_in_last_interrupt = kernel_.io_count() - io_before;
        stats_.io_in_interrupts += stats_.io_in_last_interrupt;
        return;
    }
    kernel_.charge(kernel_.costs().driver_interrupt_entry);
    int work = options_.max_interrupt_work;
    do {
        if (status & UpComplete) {
            command(AckIntr | UpComplete);  // I/O 2
            const int packets = receive();  // one UpUnstall per packet: I/O 3..
            kernel_.charge(kernel_.costs().driver_per_packet * packets);
            stats_.rx_most_in_one_call =
                std::max<std::uint64_t>(stats_.rx_most_in_one_call, std::uint64_t(packets));
        }
        if (status & DownComplete) {
            command(AckIntr | DownComplete);
            reclaim_transmitted();
        }
        if (status & (HostError | RxEarly | StatsFull | TxComplete | IntReq)) {
            handle_error(status);
        }
        command(AckIntr | IntReq | IntLatch);       // I/O 4
        status = kernel_.io().in16(port(kStatus));  // I/O 5: more to do?
    } while ((status & IntLatch) && --work > 0);
    stats_.io_in_last_interrupt = kernel_.io_count() - io_before;
    stats_.io_in_interrupts += stats_.io_in_last_interrupt;
    stats_.handler_time += kernel_.cycle_counter() - entered;
}
// [/twinos:driver-interrupt]

void Driver3c905x::handle_error(std::uint16_t status) {
    if (status & StatsFull) update_stats();
    if (status & HostError) {
        // The card could not reach memory a descriptor named (a PCI master
        // abort). Count it; the engine stays stalled until the next open.
        ++stats_.host_errors;
        command(AckIntr | HostError);
        kernel_.trace(TraceFlag::Net, name_ + ": host error, PktStatus " +
                                          hex(kernel_.io().in32(port(kPktStatus)), 8));
    }
    if (status & TxComplete) command(AckIntr | TxComplete);
}

// [twinos:driver-reclaim]
void Driver3c905x::reclaim_transmitted() {
    // The original 3c905 never marks a DPD done: a DPD is finished once
    // DownListPtr has moved past it.
    while (cur_tx_ - dirty_tx_ > 0) {
        const int entry = static_cast<int>(dirty_tx_ % kTxRingSize);
        if (kernel_.io().in32(port(kDownListPtr)) == dpd_address(entry).value()) break;
        ++stats_.tx_packets;
        stats_.tx_bytes += tx_lengths_[entry];
        ++dirty_tx_;
    }
}
// [/twinos:driver-reclaim]

}  // namespace twinos::os
