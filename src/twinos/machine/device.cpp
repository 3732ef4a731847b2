// SPDX-License-Identifier: MIT
// Device: the services the machine gives its device models.
// Part of the simulated machine; OS code and labs never edit this.
#include "twinos/machine/device.h"

#include <stdexcept>

#include "twinos/machine/event_queue.h"
#include "twinos/machine/interrupt_controller.h"

namespace twinos::machine {

Device::Device(const DeviceContext& context)
    : clock_(context.clock),
      irqs_(context.irqs),
      memory_(context.memory),
      trace_(context.trace),
      config_(context.config) {}

Ticks Device::now() const { return clock_.now(); }

void Device::schedule_at(Ticks at, std::string_view event_name, EventHandler handler) {
    clock_.schedule(ScheduleKey{}, at, event_name, handler);
}

void Device::schedule_at(Ticks at, std::string_view event_name, std::function<void()> action) {
    clock_.schedule(ScheduleKey{}, at, event_name, std::move(action));
}

void Device::raise_irq() {
    if (!config_.irq) throw std::logic_error(name() + " has no IRQ line");
    irqs_.raise(*config_.irq);
}

void Device::trace(TraceFlag flag, const std::string& text) {
    trace_.emit(flag, clock_.now(), name() + ": " + text);
}

}  // namespace twinos::machine
