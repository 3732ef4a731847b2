// SPDX-License-Identifier: MIT
// Device: the base of every device model on the machine.
// Part of the simulated machine; OS code and labs never edit this.
//
// A device answers port I/O (it is a `PortHandler`), may raise its IRQ line,
// and is the only kind of thing besides the machine itself allowed to put
// events on the clock: a NIC schedules a frame's arrival, a DMA completion,
// and so on. OS code gets none of this; it only sees ports and interrupts.
//
// Interface for subclasses: `now()`, `schedule_at(at, name, action)`,
// `raise_irq()`, `trace(flag, text)`, `memory()` for DMA.
//
// Chapter: chapters/02-twinos.rst.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "twinos/machine/event_queue.h"
#include "twinos/machine/machine_config.h"
#include "twinos/machine/port_bus.h"
#include "twinos/machine/ticks.h"
#include "twinos/machine/trace.h"

namespace twinos::machine {

class EventQueue;
class InterruptController;
class PhysicalMemory;
class Link;

/// What the machine hands a device when it builds it.
struct DeviceContext {
    EventQueue& clock;               ///< The machine's clock.
    InterruptController& irqs;       ///< Where the device's line is.
    PhysicalMemory& memory;          ///< For bus-master DMA.
    Trace& trace;                    ///< The machine's trace.
    Link& link;                      ///< The Ethernet link (for NICs).
    const DeviceAssignment& config;  ///< Name, kind, owner, ports, IRQ.
};

/// A device model: answers port I/O, raises its IRQ, schedules its own events.
class Device : public PortHandler {
public:
    /// Build a device from its context.
    explicit Device(const DeviceContext& context);

    // Device — public interface

    /// The device's unique name, e.g. `com1`.
    const std::string& name() const { return config_.name; }
    /// The device model, e.g. `uart16550`.
    const std::string& kind() const { return config_.kind; }
    /// Its configuration (owner, ports, IRQ).
    const DeviceAssignment& assignment() const { return config_; }

protected:
    /// The current simulated time.
    Ticks now() const;
    /// Run `handler` at time `at`; `event_name` names it in errors.
    void schedule_at(Ticks at, std::string_view event_name, EventHandler handler);
    /// Run `action`, which carries its own state, at time `at`.
    void schedule_at(Ticks at, std::string_view event_name, std::function<void()> action);
    /// Assert the device's IRQ line. @pre the device has one.
    void raise_irq();
    /// True when lines for `flag` are being traced (to skip building them).
    bool trace_enabled(TraceFlag flag) const { return trace_.enabled(flag); }
    /// Emit a trace line prefixed with the device name.
    void trace(TraceFlag flag, const std::string& text);
    /// Emit the line `make_text()` builds, when `flag` is traced. The text
    /// is built in a cold function of its own, so a hot caller carries no
    /// string code -- nor the registers it needs -- on its common path.
    /// (Trace::emit_if's twin: routed through it, with the time taken and
    /// the name wrapped around the text at every call site, the card's hot
    /// paths cost 21 more instructions per frame.)
    template <class MakeText>
    void trace_if(TraceFlag flag, const MakeText& make_text) {
        if (trace_enabled(flag)) [[unlikely]]
            trace_built(flag, make_text);
    }
    /// Physical memory, for DMA.
    PhysicalMemory& memory() { return memory_; }
    /// Physical memory, for a DMA read that changes nothing.
    const PhysicalMemory& memory() const { return memory_; }

private:
    template <class MakeText>
    [[gnu::noinline, gnu::cold]] void trace_built(TraceFlag flag, const MakeText& make_text) {
        trace(flag, make_text());
    }

    // Device — state
    EventQueue& clock_;
    InterruptController& irqs_;
    PhysicalMemory& memory_;
    Trace& trace_;
    DeviceAssignment config_;
};

}  // namespace twinos::machine
