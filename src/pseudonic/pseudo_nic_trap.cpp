// SPDX-License-Identifier: MIT
// PseudoNic: the trapped I/O of the co-existing OS -- what is emulated, what is forwarded.
// Part of the pseudo NIC (preceding OS).
#include "pseudonic/pseudo_nic.h"
#include "twinos/machine/costs.h"

#include <algorithm>

namespace pseudonic {

using namespace twinos::machine;
using namespace twinos::machine::el3;

void PseudoNic::refuse(const Refusal& r) {
    security_.record({machine_.clock().now(), r.cause, r.what, r.address, r.length});
    host_.trace(TraceFlag::Nic, "pseudonic: refused " + r.what + " " + hex(r.address, 8) + "+" +
                                    std::to_string(r.length) + ": " + to_string(r.cause));
    // The driver sees what the real chip shows when a descriptor names
    // memory it cannot reach: a PCI master abort, reported as HostError.
    vdma_ctrl_ |= kDmaMasterAbort;
    virq_.pending |= HostError;
}

// [pseudonic:tx-capture]
std::optional<Refusal> PseudoNic::shadow_transmit_chain(std::uint32_t driver_dpd,
                                                        std::uint32_t& shadow,
                                                        std::uint32_t card_at) {
    if (auto refused = download_->shadow_chain(driver_dpd, shadow, card_at)) return refused;
    // The chain runs from where the card is to the newest DPD. A DPD new in
    // it the driver just queued; its frame was copied into the pseudo NIC's
    // own buffer, which is what the card will send -- show that copy to the
    // monitor now, once. The copy is charged like the monitor's.
    for (const auto& entry : download_->last_chain()) {
        if (!entry.is_new) continue;
        machine_.cpu().charge(machine_.cpu().running(),
                              machine_.cpu().costs().copy(entry.fragments.front().second));
        if (tx_observer_) tx_observer_(entry.fragments, card_stamp_clock());
    }
    return std::nullopt;
}
// [/pseudonic:tx-capture]

// Each trap is timed in host time only while the trace asks for it
// (chapter 7's Table 1); the emulation itself is emulate_in / emulate_out.
// The timed trap is out of line, so an untimed one saves no registers for
// the timer.
std::uint32_t PseudoNic::port_in(Port port, IoWidth width) {
    if (machine_.trace().host_timing()) [[unlikely]]
        return port_in_timed(port, width);
    return emulate_in(port, width);
}

void PseudoNic::port_out(Port port, IoWidth width, std::uint32_t value) {
    if (machine_.trace().host_timing()) [[unlikely]]
        return port_out_timed(port, width, value);
    emulate_out(port, width, value);
}

std::uint32_t PseudoNic::port_in_timed(Port port, IoWidth width) {
    HostTimer timer(trap_timing_, true);
    return emulate_in(port, width);
}

void PseudoNic::port_out_timed(Port port, IoWidth width, std::uint32_t value) {
    HostTimer timer(trap_timing_, true);
    emulate_out(port, width, value);
}

// [pseudonic:trap-in]
inline std::uint32_t PseudoNic::emulate_in(Port port, IoWidth width) {
    const std::uint16_t offset = port.value() - nic_.ports.base.value();
    ++counters_.traps;
    ++counters_.traps_in[offset & 0x3f];
    machine_.cpu().charge(guest_,
                          machine_.cpu().costs().trapped_io);  // Table 1: 3.19 µs over 5 traps
    switch (offset) {
        case kStatus: return virq_.status(window_);
        case kUpListPtr: return vup_list_ptr_;
        case kUpPktStatus: return upload_->last_status();
        case kPktStatus: return vdma_ctrl_;
        case kDownListPtr:
            // The card walks shadows; the driver must see its own DPDs.
            return download_->driver_address_of(card_in(kDownListPtr, IoWidth::Dword));
        default: break;
    }
    if (offset < kCommand && window_ == 5) {
        // Window 5 reads back the masks, which are the driver's own.
        if (offset == kW5RxFilter) return vrx_filter_;
        if (offset == kW5IntrEnable) return virq_.intr_enable;
        if (offset == kW5StatusEnable) return virq_.status_enable;
    }
    // Everything else is the card's: EEPROM, station address, statistics...
    if (offset < kCommand) select_card_window(window_);
    ++counters_.forwarded;
    return card_in(offset, width);
}
// [/pseudonic:trap-in]

// [pseudonic:trap-out]
inline void PseudoNic::emulate_out(Port port, IoWidth width, std::uint32_t value) {
    const std::uint16_t offset = port.value() - nic_.ports.base.value();
    ++counters_.traps;
    ++counters_.traps_out[offset & 0x3f];
    machine_.cpu().charge(guest_, machine_.cpu().costs().trapped_io);
    // Nearly every trapped write is a command: all of the receive path's
    // (acknowledge, unstall), two of a transmit's three. The registers,
    // written at open, on errors and at most once per transmit (DownListPtr),
    // are emulated apart, so the command's path is not slowed by theirs
    // (chapter 7).
    if (offset == kCommand) [[likely]] {
        execute(static_cast<std::uint16_t>(value));
        return;
    }
    emulate_register_out(offset, width, value);
}

void PseudoNic::emulate_register_out(std::uint16_t offset, IoWidth width, std::uint32_t value) {
    switch (offset) {
        case kUpListPtr:
            // Lab 3: the driver's list becomes the pseudo NIC's shadow list.
            vup_list_ptr_ = value;
            if (auto refused = upload_->build(value)) {
                refuse(*refused);
                card_out(kUpListPtr, IoWidth::Dword, 0);
            } else {
                card_out(kUpListPtr, IoWidth::Dword, upload_->head());
            }
            update_virtual_irq();
            return;
        case kDownListPtr: {
            std::uint32_t shadow = 0;
            if (value != 0) {
                // Where the card is decides which DPDs still wait with their copies.
                const std::uint32_t card_at =
                    download_->driver_address_of(card_in(kDownListPtr, IoWidth::Dword));
                if (auto refused = shadow_transmit_chain(value, shadow, card_at)) {
                    refuse(*refused);
                    update_virtual_irq();
                    return;
                }
            }
            card_out(kDownListPtr, IoWidth::Dword, shadow);
            return;
        }
        case kPktStatus:
            // Forward: it tunes the card -- keeping the receive stamps on,
            // which the driver's view never shows.
            vdma_ctrl_ = value;
            ++counters_.forwarded;
            card_out(offset, width, value | kDmaReceiveStamps);
            return;
        default: break;
    }
    if (offset < kCommand) select_card_window(window_);
    ++counters_.forwarded;
    card_out(offset, width, value);
}
// [/pseudonic:trap-out]

// [pseudonic:trap-command]
void PseudoNic::execute(std::uint16_t word) {
    // The two commands of every frame -- acknowledge and upload unstall --
    // here; the rest, given at open, on errors and by the transmit path,
    // in execute_other (chapter 7: a command's trap then saves no more
    // registers than it uses).
    if (command_number(word) == command_number(AckIntr)) {
        virq_.acknowledge(parameter_of(word));
        update_virtual_irq();
        return;
    }
    if (word == UpUnstall) {
        // The driver gave UPDs back: re-arm their shadows (re-reading their
        // buffers), then let the card look again.
        if (auto refused = upload_->rearm_given_back()) refuse(*refused);
        update_virtual_irq();
        ++counters_.forwarded;
        card_command(word);
        return;
    }
    execute_other(word);
}

void PseudoNic::execute_other(std::uint16_t word) {
    const std::uint16_t param = parameter_of(word);
    switch (command_number(word)) {
        case command_number(SelectWindow):
            window_ = param & 7;
            return;  // selected on the card when needed
        case command_number(SetIntrEnb):
            virq_.intr_enable = param;
            update_virtual_irq();
            return;
        case command_number(SetStatusEnb):
            virq_.status_enable = param;
            update_virtual_irq();
            return;
        case command_number(FakeIntr):
            virq_.pending |= IntReq;
            update_virtual_irq();
            return;
        case command_number(SetRxFilter): vrx_filter_ = param; break;  // and forward
        case command_number(TotalReset):
            // The card's masks are the pseudo NIC's: reset the driver's view
            // and the card's engines, not the whole card.
            window_ = 0;
            virq_ = {};
            vrx_filter_ = 0;
            vup_list_ptr_ = 0;
            upload_->build(0);
            program_card();
            return;
        case command_number(UpStall):
            if (word == DownUnstall) {
                // The driver may have linked new DPDs into the list the card
                // is working on: re-shadow it from where the card is.
                const std::uint32_t at =
                    download_->driver_address_of(card_in(kDownListPtr, IoWidth::Dword));
                std::uint32_t shadow = 0;
                if (at != 0) {
                    if (auto refused = shadow_transmit_chain(at, shadow, at)) {
                        refuse(*refused);
                        update_virtual_irq();
                    }
                }
            }
            break;  // and forward the stall or unstall itself
        case command_number(RxReset):
            vup_list_ptr_ = 0;
            upload_->build(0);
            break;
        default: break;  // enables, thresholds, statistics: the card's business
    }
    ++counters_.forwarded;
    card_command(word);
}
// [/pseudonic:trap-command]

}  // namespace pseudonic
