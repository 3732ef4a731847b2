// SPDX-License-Identifier: MIT
// InterruptController: IRQ lines owned by one OS each, and delivery across OSes.
// Part of the simulated machine; OS code and labs never edit this.
//
// Paper §2.1: "an interrupt from a device runs the owning OS's handler; if
// that OS is not the one running, the OS is switched first." This class is
// that sentence. A device raises its line; the controller latches it and,
// as soon as the CPU is free, delivers it:
//
//   owner running      -> run the owner's handler
//   owner not running  -> switch to the owner (step B), run the handler,
//                         return to the interrupted OS (step D)
//
// A line raised again before its delivery is coalesced into it, as a latched
// level-triggered line would be. A line with no handler yet is counted as
// spurious and dropped.
//
// Interface: `assign(irq, owner, device)`, `set_handler(os, irq, handler)`,
// `raise(irq)`, and per-OS `counters(os)`.
//
// Paper: §2.1, §2.2 steps (B) and (D). Chapter: chapters/02-twinos.rst.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "twinos/machine/machine_config.h"
#include "twinos/machine/os_id.h"

namespace twinos::machine {

class Cpu;
class EventQueue;
class Trace;

/// An OS's interrupt handler for one line.
using IrqHandler = std::function<void(int irq)>;

/// Interrupt counts for one OS, since power-on.
struct IrqCounters {
    std::uint64_t delivered = 0;      ///< Handlers run for this OS's lines.
    std::uint64_t while_running = 0;  ///< Of those, arrived while this OS ran.
    std::uint64_t with_switch = 0;    ///< Of those, needed a switch to this OS first.
    std::uint64_t coalesced = 0;      ///< Raises folded into a pending delivery.
    std::uint64_t spurious = 0;       ///< Delivered with no handler installed.
};

/// The machine's interrupt controller (two cascaded 8259s: lines 0..15).
class InterruptController {
public:
    /// A controller that schedules deliveries on `clock` and runs them on `cpu`.
    InterruptController(EventQueue& clock, Cpu& cpu, Trace& trace)
        : clock_(clock), cpu_(cpu), trace_(trace) {}

    // InterruptController — public interface

    /// Give line `irq` to `owner`, for device `device`.
    /// @throws ConfigError when the line is out of range or already owned.
    void assign(int irq, OsId owner, const std::string& device);

    /// Install `who`'s handler for line `irq`.
    /// @throws std::logic_error when `who` does not own the line: an OS can
    ///         never receive the other OS's interrupts.
    void set_handler(OsId who, int irq, IrqHandler handler);

    /// A device asserts line `irq`. Delivery happens as soon as the CPU is free.
    void raise(int irq);

    /// The owner of line `irq`, if assigned.
    std::optional<OsId> owner_of(int irq) const;

    /// Counts for the OS `os`.
    const IrqCounters& counters(OsId os) const { return counters_[index_of(os)]; }

private:
    // InterruptController — state
    struct Line {
        bool assigned = false;
        OsId owner = OsId::Preceding;
        std::string device;
        IrqHandler handler;
        bool pending = false;  // raised, delivery scheduled, not yet delivered
    };
    void deliver(int irq);

    EventQueue& clock_;
    Cpu& cpu_;
    Trace& trace_;
    std::array<Line, kMaxIrq + 1> lines_{};
    std::array<IrqCounters, 2> counters_{};
};

}  // namespace twinos::machine
