// SPDX-License-Identifier: MIT
// PseudoNic: step (A) -- the card's interrupt, handled in the preceding OS.
// Part of the pseudo NIC (preceding OS).
#include "pseudonic/pseudo_nic.h"
#include "twinos/machine/costs.h"

namespace pseudonic {

using namespace twinos::machine;
using namespace twinos::machine::el3;

// [pseudonic:rx-step-a]
void PseudoNic::card_interrupt(int) {
    HostTimer timer(step_a_timing_, machine_.trace().host_timing());
    Trace::CpuWork step_a(machine_.trace());  // its trace lines in the CPU's time
    ++counters_.rx_interrupts;
    // The paper's throughput leaves out the switch an interrupt costs when
    // it arrives while the co-existing OS runs; count both cases apart.
    if (machine_.irqs().delivering_after_switch()) {
        ++counters_.rx_interrupts_coexisting_running;
    } else {
        ++counters_.rx_interrupts_preceding_running;
    }
    std::uint16_t status = static_cast<std::uint16_t>(card_in(kStatus, IoWidth::Word));
    if (!(status & IntLatch)) return;
    // (A) take the interrupt and emulate the card for the driver.
    host_.charge(machine_.cpu().costs().pseudo_nic_interrupt_entry);
    for (int work = 0; work < kMaxInterruptWork && (status & IntLatch); ++work) {
        if (status & UpComplete) {
            card_command(AckIntr | UpComplete);
            // Copy each completed shadow's status into the driver's UPD. The
            // frame is in the driver's buffer already: this is the moment,
            // before the driver runs, when the monitor can read it in place.
            const auto frames = upload_->publish_completed();
            for (const UploadedFrame& frame : frames) {
                if (observer_) observer_(frame);
            }
            counters_.frames_published += frames.size();
            host_.charge(machine_.cpu().costs().pseudo_nic_per_packet *
                         static_cast<std::int64_t>(frames.size()));
            if (!frames.empty()) virq_.pending |= UpComplete;
        }
        if (status & DownComplete) {
            card_command(AckIntr | DownComplete);
            virq_.pending |= DownComplete;
        }
        if (status & HostError) {
            card_command(AckIntr | HostError);
            vdma_ctrl_ |= kDmaMasterAbort;
            virq_.pending |= HostError;
        }
        card_command(AckIntr | IntLatch);
        status = static_cast<std::uint16_t>(card_in(kStatus, IoWidth::Word));
    }
    // (B)-(D) follow when the co-existing OS's virtual interrupt is delivered.
    update_virtual_irq();
}
// [/pseudonic:rx-step-a]

}  // namespace pseudonic
