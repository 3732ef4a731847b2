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
    ++ticks_;
    cpu_.switch_to(other(cpu_.running()), SwitchReason::Timer);
    const Ticks next = nominal + quantum_;
    clock_.schedule(ScheduleKey{}, later_of(next, clock_.now()), "timer",
                    [this, next] { tick(next); });
}
// [/twinos:timer-tick]

}  // namespace twinos::machine
