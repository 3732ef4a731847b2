// SPDX-License-Identifier: MIT
// El3Interrupts: the 3c905's interrupt state -- latched events, two masks, IntLatch.
// Part of the simulated machine; OS code and labs never edit this.
//
// One type for both instances of these registers: the card's own (chapter 3)
// and the copy the pseudo NIC shows the co-existing OS's driver (chapter 4),
// so that the driver's view is, line for line, a second 3c905.
//
//   - `pending`: events latched since they were last acknowledged;
//   - `status_enable`: which of them the status register shows;
//   - `intr_enable`: which of those may interrupt;
//   - `latch`: IntLatch, the line is asserted until acknowledged.
// Invariant: the line rises only on a rising edge of `condition()`.
//
// Paper: §2.2. Chapter: chapters/03-nic.rst.
#pragma once

#include <cstdint>

#include "twinos/machine/el3_registers.h"

namespace twinos::machine {

/// The interrupt registers of one (real or virtual) 3c905.
struct El3Interrupts {
    std::uint16_t pending = 0;        ///< Latched status bits (the ackable part).
    std::uint16_t status_enable = 0;  ///< SetStatusEnb: what the status register shows.
    std::uint16_t intr_enable = 0;    ///< SetIntrEnb: what may interrupt.
    bool latch = false;               ///< IntLatch: the line is asserted.

    // [twinos:nic-irq]
    /// A latched event is both visible (status enable) and allowed to
    /// interrupt (interrupt enable).
    bool condition() const {
        return (pending & status_enable & intr_enable & el3::kAckableBits & ~el3::IntLatch) != 0;
    }
    /// The line rises when an enabled condition appears while it is low; it
    /// stays up (IntLatch) until acknowledged. @return true on a rising edge.
    bool rise() {
        if (latch || !condition()) return false;
        latch = true;
        return true;
    }
    /// AckIntr with `param`: clear those events. Acknowledging IntLatch
    /// lowers the line -- unless an enabled event is still pending, which
    /// re-latches it at once.
    void acknowledge(std::uint16_t param) {
        pending &= static_cast<std::uint16_t>(~(param & el3::kAckableBits));
        if (param & el3::IntLatch) latch = condition();
    }
    /// The status register: visible events, IntLatch, and the selected window.
    std::uint16_t status(unsigned window) const {
        return static_cast<std::uint16_t>(
            (pending & status_enable & el3::kAckableBits & ~el3::IntLatch) |
            (latch ? el3::IntLatch : 0) | (window << el3::kStatusWindowShift));
    }
    // [/twinos:nic-irq]
};

}  // namespace twinos::machine
