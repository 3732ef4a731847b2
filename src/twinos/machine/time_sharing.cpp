// SPDX-License-Identifier: MIT
// TimeSharing: one timer event per quantum, on a fixed grid.
// Part of the simulated machine; OS code and labs never edit this.
#include "twinos/machine/time_sharing.h"

#include "twinos/machine/cpu.h"
#include "twinos/machine/event_queue.h"
#include "twinos/machine/os_id.h"

namespace twinos::machine {

void TimeSharing::start(Ticks first_tick) {
    clock_.schedule(ScheduleKey{}, first_tick, "timer", [this, first_tick] { tick(first_tick); });
}

// [twinos:timer-tick]
void TimeSharing::tick(Ticks nominal) {
    if (cpu_.busy()) {
        // The timer interrupt is masked while work runs; take it when the
        // CPU is free, but keep the nominal time so the grid does not drift.
        ++deferred_;
        clock_.schedule(ScheduleKey{}, cpu_.free_at(), "timer", [this, nominal] { tick(nominal); });
        return;
    }
    // Nothing happens before the horizon but timer ticks: take them all at
    // once rather than one event each (a replayed capture may sit idle for
    // days of simulated time). The result is the same, tick for tick.
    const std::int64_t due = (clock_.horizon() - nominal).count() / quantum_.count();
    if (due >= 2) {
        ticks_ += static_cast<std::uint64_t>(due);
        cpu_.skip_timer_switches(due, nominal, quantum_);
        const Ticks next = nominal + quantum_ * due;
        clock_.schedule(ScheduleKey{}, next, "timer", [this, next] { tick(next); });
        return;
    }
    ++ticks_;
    cpu_.switch_to(other(cpu_.running()), SwitchReason::Timer);
    const Ticks next = nominal + quantum_;
    clock_.schedule(ScheduleKey{}, later_of(next, clock_.now()), "timer",
                    [this, next] { tick(next); });
}
// [/twinos:timer-tick]

}  // namespace twinos::machine
