// SPDX-License-Identifier: MIT
// PseudoNic: the preceding OS's 3c905 offered to the co-existing OS.
// Part of the pseudo NIC (preceding OS).
//
// Paper §2.2: the pseudo NIC sits between the card and the co-existing OS's
// driver, intercepting the driver's I/O instructions and the card's
// interrupts. The driver is the unchanged one of chapter 3 and believes it
// owns a 3c905. The pseudo NIC:
//
//   - traps every port access of the co-existing OS to the card's ports,
//     charges it (0.638 µs: Table 1's growth of (C) over five traps) and
//     counts it per register;
//   - keeps the registers the driver must see as its own -- the selected
//     window, the status bits, the interrupt and status enable masks, the
//     list pointers it wrote -- and forwards to the real card only what must
//     reach it (EEPROM, station address, filter, statistics, enables);
//   - shadows the driver's descriptor lists (ShadowUploadList,
//     ShadowDownloadList) after checking every address (Confinement);
//   - takes the card's interrupt in the preceding OS -- step (A) -- and
//     raises the co-existing OS's virtual interrupt, whose delivery is
//     steps (B) switch, (C) the driver, (D) return.
//
// Step map -- the paper's (A)-(D) for one received frame, and who runs each:
//   (A) `PseudoNic::card_interrupt` (pseudo_nic_rx.cpp), in the preceding
//       OS; the acquisition part's filter and copy run inside it (chapter 5);
//   (B) the interrupt controller's switch to the co-existing OS when it
//       delivers the virtual line `update_virtual_irq` raised;
//   (C) the co-existing OS's driver handler (driver_3c905x_irq.cpp), each of
//       its I/O instructions trapped by `port_in`/`port_out` (pseudo_nic_trap.cpp);
//   (D) the controller's return to the interrupted OS.
//
// Interface: construction (installs the traps and the interrupt handler),
// counters, `security()`, `set_receive_observer()` for chapter 5.
//
// Paper: §2.2, §2.3.1, Table 1. Chapter: chapters/04-pseudo-nic.rst.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "pseudonic/confinement.h"
#include "pseudonic/shadow_download_list.h"
#include "pseudonic/shadow_upload_list.h"
#include "twinos/machine/el3_interrupts.h"
#include "twinos/machine/el3_registers.h"
#include "twinos/machine/host_timing.h"
#include "twinos/machine/machine.h"
#include "twinos/os/kernel.h"

namespace pseudonic {

/// What the pseudo NIC has done.
struct PseudoNicCounters {
    std::array<std::uint64_t, 0x40> traps_in{};   ///< Trapped `in` per register offset.
    std::array<std::uint64_t, 0x40> traps_out{};  ///< Trapped `out` per register offset.
    std::uint64_t traps = 0;                      ///< All trapped I/O.
    std::uint64_t forwarded = 0;                  ///< Accesses passed on to the card.
    std::uint64_t rx_interrupts = 0;              ///< Card interrupts handled in step (A).
    std::uint64_t rx_interrupts_preceding_running =
        0;  ///< ... arriving while the preceding OS ran.
    std::uint64_t rx_interrupts_coexisting_running =
        0;                                 ///< ... arriving while the co-existing OS ran.
    std::uint64_t frames_published = 0;    ///< Frames handed to the driver's UPDs.
    std::uint64_t virtual_interrupts = 0;  ///< Virtual interrupts raised for the driver.
};

/// Sees every received frame in step (A), in place, before the driver does.
using ReceiveObserver = std::function<void(const UploadedFrame&)>;
/// Sees every frame the driver queues for transmission, in place, when the
/// pseudo NIC takes its DPD and before the card reads it: the fragments
/// (bus address, length): the pseudo NIC's own copy of the frame in the
/// preceding OS's memory, which is exactly what the card will send -- and
/// the card's timestamp clock then (ns since the epoch).
using TransmitObserver = std::function<void(
    std::span<const std::pair<std::uint32_t, std::uint32_t>>, std::int64_t wall_time_ns)>;

/// The pseudo NIC.
class PseudoNic : public twinos::machine::PortHandler {
public:
    /// Serve `nic` (owned by `host`'s OS) to the OS `guest`: install the
    /// traps and the card's interrupt handler, and put the card in a known
    /// state. @pre `host` is running (it is booting).
    PseudoNic(twinos::os::Kernel& host, twinos::machine::Machine& machine,
              const twinos::machine::DeviceAssignment& nic, twinos::machine::OsId guest);

    /// Rounds of step (A)'s loop per card interrupt, as the driver's own
    /// `max_interrupt_work` (Linux 3c59x: 32): a card that keeps raising
    /// status cannot hold the preceding OS in its handler for ever.
    static constexpr int kMaxInterruptWork = 32;

    // PseudoNic — public interface

    std::uint32_t port_in(twinos::machine::Port port, twinos::machine::IoWidth width) override;
    void port_out(twinos::machine::Port port, twinos::machine::IoWidth width,
                  std::uint32_t value) override;

    /// What the pseudo NIC has done.
    const PseudoNicCounters& counters() const { return counters_; }
    /// Every refusal, by cause.
    const SecurityLog& security() const { return security_; }
    /// Host time of step (A) (chapter 7's Table 1).
    const twinos::machine::HostTiming& step_a_host_time() const { return step_a_timing_; }
    /// Host time of handling one trapped I/O.
    const twinos::machine::HostTiming& trap_host_time() const { return trap_timing_; }
    /// Where the shadow lists live in the preceding OS's memory.
    const twinos::os::DmaBuffer& shadow_storage() const { return storage_; }
    /// Call `observer` for every frame in step (A), before the driver sees it.
    void set_receive_observer(ReceiveObserver observer) { observer_ = std::move(observer); }
    /// Call `observer` for every frame queued for transmission, once each.
    void set_transmit_observer(TransmitObserver observer) { tx_observer_ = std::move(observer); }
    /// Frames shown to the transmit observer that the driver then left out
    /// of its chain before the card read them: logged, never sent.
    std::uint64_t transmit_logged_unsent() const { return download_->abandoned(); }

private:
    // PseudoNic — the driver's view (pseudo_nic_trap.cpp). A command's
    // emulation is inline into the trap, its one caller: one call a trap.
    [[gnu::always_inline]] inline void execute(std::uint16_t word);
    // Every command but the two of every frame (out of line, see execute).
    [[gnu::noinline]] void execute_other(std::uint16_t word);
    // [pseudonic:virtual-irq]
    void update_virtual_irq() {
        // The driver's card interrupts exactly as the real one would (El3Interrupts).
        if (virq_.rise()) {
            ++counters_.virtual_interrupts;
            machine_.irqs().raise_virtual(guest_, *nic_.irq);
        }
    }
    // [/pseudonic:virtual-irq]
    void refuse(const Refusal& refusal);
    // Shadow the driver's chain from `driver_dpd`; `card_at` is the driver
    // DPD the card reads next (0: idle). Shows each newly copied frame.
    std::optional<Refusal> shadow_transmit_chain(std::uint32_t driver_dpd, std::uint32_t& shadow,
                                                 std::uint32_t card_at);
    // PseudoNic — step (A) (pseudo_nic_rx.cpp)
    void card_interrupt(int irq);
    // PseudoNic — the trapped I/O itself (pseudo_nic_trap.cpp; port_in and
    // port_out time it in host time when the trace asks them to). Inline
    // into them, there only: a trap is then one call, not two.
    [[gnu::always_inline]] inline std::uint32_t emulate_in(twinos::machine::Port port,
                                                           twinos::machine::IoWidth width);
    [[gnu::always_inline]] inline void emulate_out(twinos::machine::Port port,
                                                   twinos::machine::IoWidth width,
                                                   std::uint32_t value);
    // A trap timed in host time (the trace asked for it).
    [[gnu::noinline]] std::uint32_t port_in_timed(twinos::machine::Port port,
                                                  twinos::machine::IoWidth width);
    [[gnu::noinline]] void port_out_timed(twinos::machine::Port port,
                                          twinos::machine::IoWidth width, std::uint32_t value);
    // A trapped write to a register rather than the command port: its own
    // function, out of line, so a command's trap saves no more than it uses.
    [[gnu::noinline]] void emulate_register_out(std::uint16_t offset,
                                                twinos::machine::IoWidth width,
                                                std::uint32_t value);
    // PseudoNic — the real card (pseudo_nic.cpp). Reads and writes of its
    // registers are real port I/O of the preceding OS, through the bus;
    // inline, as every trap that is forwarded makes one.
    std::uint32_t card_in(std::uint16_t offset, twinos::machine::IoWidth width) {
        return machine_.ports().in(host_.id(), card_port(offset), width);
    }
    void card_out(std::uint16_t offset, twinos::machine::IoWidth width, std::uint32_t value) {
        machine_.ports().out(host_.id(), card_port(offset), width, value);
    }
    twinos::machine::Port card_port(std::uint16_t offset) const {
        return twinos::machine::Port{static_cast<std::uint16_t>(nic_.ports.base.value() + offset)};
    }
    void card_command(std::uint16_t word) {
        card_out(twinos::machine::el3::kCommand, twinos::machine::IoWidth::Word, word);
    }
    void select_card_window(unsigned window);
    void program_card();
    std::int64_t card_stamp_clock();

    // PseudoNic — state
    twinos::os::Kernel& host_;
    twinos::machine::Machine& machine_;
    twinos::machine::DeviceAssignment nic_;
    twinos::machine::OsId guest_;
    Confinement confinement_;
    twinos::os::DmaBuffer storage_;  // shadow lists, in the preceding OS's memory
    std::unique_ptr<ShadowUploadList> upload_;
    std::unique_ptr<ShadowDownloadList> download_;
    SecurityLog security_;
    PseudoNicCounters counters_;
    ReceiveObserver observer_;
    TransmitObserver tx_observer_;
    twinos::machine::HostTiming step_a_timing_;
    twinos::machine::HostTiming trap_timing_;
    unsigned card_window_ = 0xff;  // the window selected on the real card (unknown at first)
    // What the driver sees as the card's registers: a second instance of
    // the card's interrupt state, and the registers it reads back.
    unsigned window_ = 0;
    twinos::machine::El3Interrupts virq_;
    std::uint16_t vrx_filter_ = 0;
    std::uint32_t vup_list_ptr_ = 0;
    std::uint32_t vdma_ctrl_ = 0;
};

}  // namespace pseudonic
