// SPDX-License-Identifier: MIT
// InterruptController: latching, coalescing and cross-OS delivery.
// Part of the simulated machine; OS code and labs never edit this.
#include "twinos/machine/interrupt_controller.h"

#include <stdexcept>

#include "twinos/machine/config_error.h"
#include "twinos/machine/cpu.h"
#include "twinos/machine/event_queue.h"
#include "twinos/machine/trace.h"

namespace twinos::machine {

void InterruptController::assign(int irq, OsId owner, const std::string& device) {
    const std::string field = "devices." + device + ".irq";
    if (irq < 0 || irq > kMaxIrq) {
        throw ConfigError(field, std::to_string(irq) + " is not in 0.." + std::to_string(kMaxIrq));
    }
    Line& line = lines_[static_cast<std::size_t>(irq)];
    if (line.assigned) {
        throw ConfigError(
            field, "IRQ " + std::to_string(irq) + " is already owned by '" + line.device + "'");
    }
    line.assigned = true;
    line.owner = owner;
    line.device = device;
}

void InterruptController::set_handler(OsId who, int irq, IrqHandler handler) {
    auto owner = owner_of(irq);
    if (!owner || *owner != who) {
        throw std::logic_error("IRQ " + std::to_string(irq) + " is not owned by the " +
                               std::string(to_string(who)) + " OS");
    }
    lines_[static_cast<std::size_t>(irq)].handler = std::move(handler);
}

std::optional<OsId> InterruptController::owner_of(int irq) const {
    if (irq < 0 || irq > kMaxIrq) return std::nullopt;
    const Line& line = lines_[static_cast<std::size_t>(irq)];
    if (!line.assigned) return std::nullopt;
    return line.owner;
}

void InterruptController::raise(int irq) {
    if (!owner_of(irq)) throw std::logic_error("raise of unassigned IRQ " + std::to_string(irq));
    Line& line = lines_[static_cast<std::size_t>(irq)];
    if (line.pending) {
        // Already latched: one delivery will serve both raises.
        ++counters_[index_of(line.owner)].coalesced;
        trace_.emit(TraceFlag::Irq, clock_.now(), "irq " + std::to_string(irq) + " coalesced");
        return;
    }
    line.pending = true;
    trace_.emit(TraceFlag::Irq, clock_.now(),
                "irq " + std::to_string(irq) + " raised by " + line.device);
    clock_.schedule(ScheduleKey{}, later_of(clock_.now(), cpu_.free_at()),
                    "irq" + std::to_string(irq), [this, irq] { deliver(irq); });
}

// [twinos:irq-deliver]
void InterruptController::deliver(int irq) {
    // The CPU may have been given more work since this delivery was
    // scheduled; interrupts stay masked until it is done.
    if (cpu_.busy()) {
        clock_.schedule(ScheduleKey{}, cpu_.free_at(), "irq" + std::to_string(irq),
                        [this, irq] { deliver(irq); });
        return;
    }
    Line& line = lines_[static_cast<std::size_t>(irq)];
    line.pending = false;
    IrqCounters& count = counters_[index_of(line.owner)];
    if (!line.handler) {
        ++count.spurious;
        trace_.emit(TraceFlag::Irq, clock_.now(), "irq " + std::to_string(irq) + " spurious");
        return;
    }
    const OsId interrupted = cpu_.running();
    const bool needs_switch = interrupted != line.owner;
    // (B) switch to the owner first when it is not the one running.
    if (needs_switch) {
        cpu_.switch_to(line.owner, SwitchReason::Irq);
        ++count.with_switch;
    } else {
        ++count.while_running;
    }
    ++count.delivered;
    trace_.emit(
        TraceFlag::Irq, later_of(clock_.now(), cpu_.free_at()),
        "irq " + std::to_string(irq) + " -> " + std::string(to_string(line.owner)) + " handler");
    // (C) the owner's handler runs; it charges its own work to the CPU.
    line.handler(irq);
    // (D) return to the OS that was interrupted.
    if (needs_switch) cpu_.switch_to(interrupted, SwitchReason::Return);
}
// [/twinos:irq-deliver]

}  // namespace twinos::machine
