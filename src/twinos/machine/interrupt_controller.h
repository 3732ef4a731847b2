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
// For a device one OS offers to the other (chapter 4), the other OS gets a
// *virtual* line of the same number: it installs its handler as usual, and
// the owner's code (the pseudo NIC) raises it with `raise_virtual`. Delivery
// is the same, switch and return included.
//
// Interface: `assign(irq, owner, device)`, `assign_virtual(irq, os, device)`,
// `set_handler(os, irq, handler)`, `raise(irq)`, `raise_virtual(os, irq)`,
// per-OS `counters(os)`, and host-time `handler_timing(os, irq)`.
//
// Paper: §2.1, §2.2 steps (B) and (D). Chapter: chapters/02-twinos.rst.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "twinos/machine/host_timing.h"
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

    /// Give `os` a virtual line `irq` for the offered device `device`.
    /// @throws ConfigError when `os` already has a line with that number.
    void assign_virtual(int irq, OsId os, const std::string& device);

    /// Install `who`'s handler for line `irq` (its physical line if it owns
    /// one, else its virtual line of that number).
    /// @throws std::logic_error when `who` has no such line: an OS can never
    ///         receive the other OS's interrupts.
    void set_handler(OsId who, int irq, IrqHandler handler);

    /// A device asserts line `irq`. Delivery happens as soon as the CPU is free.
    void raise(int irq);

    /// Assert `os`'s virtual line `irq` (the offering OS's emulation does this).
    void raise_virtual(OsId os, int irq);

    /// True while a handler runs that needed a switch to its OS first (a
    /// switch made for it when the CPU came back to its OS counts too).
    bool delivering_after_switch() const { return delivering_after_switch_; }

    /// Host time spent in `os`'s handler for line `irq` (physical or virtual).
    const HostTiming& handler_timing(OsId os, int irq) const;

    /// The owner of line `irq`, if assigned.
    std::optional<OsId> owner_of(int irq) const;

    /// Counts for the OS `os`.
    const IrqCounters& counters(OsId os) const { return counters_[index_of(os)]; }

private:
    // InterruptController — state
    struct Line {
        int irq = 0;
        bool assigned = false;
        bool is_virtual = false;
        std::string name;  // "irq 11" or "virq 11": event and trace label, made once
        OsId owner = OsId::Preceding;
        std::string device;
        IrqHandler handler;
        bool pending = false;  // raised, delivery scheduled, not yet delivered
        HostTiming timing;
        std::uint32_t code = 0;  // which line, for its delivery event (line_at)
    };
    Line* line_for(OsId who, int irq);
    void assert_line(Line& line);
    // The delivery event of the line `code` names: physical lines are
    // 0..kMaxIrq, each OS's virtual lines follow.
    [[gnu::always_inline]] inline void deliver_line(std::uint64_t code);  // (with deliver)
    Line& line_at(std::uint64_t code);
    // (Both inline into the delivery event's handler, in
    // interrupt_controller.cpp: a delivery is one call, chapter 7.)
    [[gnu::always_inline]] inline void deliver(Line& line);
    // The delivery itself, once the CPU is free (deliver waits for that).
    void deliver_now(Line& line);

    EventQueue& clock_;
    Cpu& cpu_;
    Trace& trace_;
    std::array<Line, kMaxIrq + 1> lines_{};
    std::array<std::array<Line, kMaxIrq + 1>, 2> virtual_lines_{};
    std::array<IrqCounters, 2> counters_{};
    // Per OS: lines raised and not yet delivered; and whether the CPU was
    // last handed to it *to deliver* one of them (see deliver()).
    std::array<std::uint32_t, 2> pending_lines_{};
    std::array<bool, 2> handed_over_for_delivery_{};
    bool delivering_after_switch_ = false;
};

}  // namespace twinos::machine
