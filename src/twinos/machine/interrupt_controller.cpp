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
    line.irq = irq;
    line.code = static_cast<std::uint32_t>(irq);
    line.name = "irq " + std::to_string(irq);
    line.assigned = true;
    line.owner = owner;
    line.device = device;
}

void InterruptController::assign_virtual(int irq, OsId os, const std::string& device) {
    const std::string field = "offers." + device;
    if (irq < 0 || irq > kMaxIrq) throw ConfigError(field, "IRQ out of range");
    Line& line = virtual_lines_[index_of(os)][static_cast<std::size_t>(irq)];
    const Line& physical = lines_[static_cast<std::size_t>(irq)];
    if (line.assigned || (physical.assigned && physical.owner == os)) {
        throw ConfigError(field, "the " + std::string(to_string(os)) + " OS already has IRQ " +
                                     std::to_string(irq));
    }
    line.irq = irq;
    line.code = static_cast<std::uint32_t>((index_of(os) + 1) * (kMaxIrq + 1) + irq);
    line.name = "virq " + std::to_string(irq);
    line.assigned = true;
    line.is_virtual = true;
    line.owner = os;
    line.device = device;
}

InterruptController::Line& InterruptController::line_at(std::uint64_t code) {
    constexpr std::uint64_t kLines = kMaxIrq + 1;
    if (code < kLines) return lines_[code];
    return virtual_lines_[code / kLines - 1][code % kLines];
}

InterruptController::Line* InterruptController::line_for(OsId who, int irq) {
    if (irq < 0 || irq > kMaxIrq) return nullptr;
    Line& physical = lines_[static_cast<std::size_t>(irq)];
    if (physical.assigned && physical.owner == who) return &physical;
    Line& virt = virtual_lines_[index_of(who)][static_cast<std::size_t>(irq)];
    return virt.assigned ? &virt : nullptr;
}

void InterruptController::set_handler(OsId who, int irq, IrqHandler handler) {
    Line* line = line_for(who, irq);
    if (line == nullptr) {
        throw std::logic_error("IRQ " + std::to_string(irq) + " is not owned by the " +
                               std::string(to_string(who)) + " OS");
    }
    line->handler = std::move(handler);
}

std::optional<OsId> InterruptController::owner_of(int irq) const {
    if (irq < 0 || irq > kMaxIrq) return std::nullopt;
    const Line& line = lines_[static_cast<std::size_t>(irq)];
    if (!line.assigned) return std::nullopt;
    return line.owner;
}

const HostTiming& InterruptController::handler_timing(OsId os, int irq) const {
    static const HostTiming none;
    Line* line = const_cast<InterruptController*>(this)->line_for(os, irq);
    return line ? line->timing : none;
}

void InterruptController::raise(int irq) {
    if (!owner_of(irq)) throw std::logic_error("raise of unassigned IRQ " + std::to_string(irq));
    assert_line(lines_[static_cast<std::size_t>(irq)]);
}

void InterruptController::raise_virtual(OsId os, int irq) {
    Line* line = irq < 0 || irq > kMaxIrq
                     ? nullptr
                     : &virtual_lines_[index_of(os)][static_cast<std::size_t>(irq)];
    if (line == nullptr || !line->assigned) {
        throw std::logic_error("raise of unassigned virtual IRQ " + std::to_string(irq));
    }
    assert_line(*line);
}

void InterruptController::assert_line(Line& line) {
    if (line.pending) {
        // Already latched: one delivery will serve both raises.
        ++counters_[index_of(line.owner)].coalesced;
        trace_.emit_if(TraceFlag::Irq, clock_.now(), [&] { return line.name + " coalesced"; });
        return;
    }
    line.pending = true;
    ++pending_lines_[index_of(line.owner)];
    if (trace_.enabled(TraceFlag::Irq)) [[unlikely]] {  // (as Cpu::switch_to's)
        trace_.emit_if(TraceFlag::Irq, clock_.now(),
                       [&line] { return line.name + " raised by " + line.device; });
    }
    clock_.schedule(ScheduleKey{}, later_of(clock_.now(), cpu_.free_at()), line.name,
                    EventHandler::to<&InterruptController::deliver_line>(*this, line.code));
}

void InterruptController::deliver_line(std::uint64_t code) { deliver(line_at(code)); }

// [twinos:irq-deliver]
void InterruptController::deliver(Line& line) {
    // The CPU may have been given more work since this delivery was
    // scheduled; interrupts stay masked until it is done.
    if (cpu_.busy()) {
        clock_.schedule(ScheduleKey{}, cpu_.free_at(), "irq",
                        EventHandler::to<&InterruptController::deliver_line>(*this, line.code));
        return;
    }
    deliver_now(line);
}

void InterruptController::deliver_now(Line& line) {
    const std::string& name = line.name;
    line.pending = false;
    --pending_lines_[index_of(line.owner)];
    const bool handed_over = handed_over_for_delivery_[index_of(line.owner)];
    handed_over_for_delivery_[index_of(line.owner)] = false;
    IrqCounters& count = counters_[index_of(line.owner)];
    if (!line.handler) {
        ++count.spurious;
        trace_.emit_if(TraceFlag::Irq, clock_.now(), [&] { return name + " spurious"; });
        return;
    }
    const OsId interrupted = cpu_.running();
    const bool needs_switch = interrupted != line.owner;
    // Switch to the owner first when it is not the one running (for the
    // co-existing OS's virtual line this is the paper's step B).
    if (needs_switch) {
        cpu_.switch_to(line.owner, SwitchReason::Irq);
        ++count.with_switch;
    } else if (handed_over) {
        ++count.with_switch;  // the switch back below was made for this one
    } else {
        ++count.while_running;
    }
    ++count.delivered;
    // (The line's time is worked out only when it is kept: as an argument
    // of emit_if it would be, on every delivery.)
    if (trace_.enabled(TraceFlag::Irq)) [[unlikely]] {
        trace_.emit_if(TraceFlag::Irq, later_of(clock_.now(), cpu_.free_at()), [&] {
            return name + " -> " + std::string(to_string(line.owner)) + " handler";
        });
    }
    // The owner's handler runs; it charges its own work to the CPU.
    delivering_after_switch_ = needs_switch || handed_over;
    if (!trace_.host_timing()) [[likely]] {
        line.handler(line.irq);
    } else {
        HostTimer timer(line.timing, true);  // chapter 7's Table 1
        line.handler(line.irq);
    }
    delivering_after_switch_ = false;
    if (!needs_switch) return;
    // Back to the OS that was interrupted. Usually that is the cheap return
    // (step D for a virtual line). But a handler may have raised a line of
    // the interrupted OS itself -- the pseudo NIC's step (A) raising the
    // co-existing OS's virtual interrupt when the card's interrupt found the
    // co-existing OS running. Then the CPU goes back *to deliver it*: the
    // same full switch as step (B), not a return. This is the extra switch
    // the paper's sec. 4.4 formula leaves out (chapter 7).
    const bool to_deliver = pending_lines_[index_of(interrupted)] > 0;
    cpu_.switch_to(interrupted, to_deliver ? SwitchReason::Irq : SwitchReason::Return);
    handed_over_for_delivery_[index_of(interrupted)] = to_deliver;
}
// [/twinos:irq-deliver]

}  // namespace twinos::machine
