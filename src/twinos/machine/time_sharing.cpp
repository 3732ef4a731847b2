// SPDX-License-Identifier: MIT
// TimeSharing: one timer event per quantum, on a fixed grid.
// Part of the simulated machine; OS code and labs never edit this.
#include "twinos/machine/time_sharing.h"

#include "twinos/machine/cpu.h"
#include "twinos/machine/event_queue.h"
#include "twinos/machine/os_id.h"

namespace twinos::machine {

void TimeSharing::start(Ticks first_tick) {
    started_ = true;
    schedule_tick(first_tick, first_tick);
}

void TimeSharing::schedule_tick(Ticks at, Ticks nominal) {
    next_tick_ = at;
    clock_.schedule(ScheduleKey{}, at, "timer",
                    EventHandler::to<&TimeSharing::tick_event>(
                        *this, static_cast<std::uint64_t>(nominal.count())));
}

// [twinos:timer-tick]
void TimeSharing::tick(Ticks nominal) {
    if (cpu_.busy()) {
        // The timer interrupt is masked while work runs; take it when the
        // CPU is free, but keep the nominal time so the grid does not drift.
        ++deferred_;
        schedule_tick(cpu_.free_at(), nominal);
        return;
    }
    // Nothing happens before the horizon but timer ticks: take them all at
    // once rather than one event each (a replayed capture may sit idle for
    // days of simulated time). The result is the same, tick for tick.
    const std::int64_t due = (clock_.horizon() - nominal).count() / quantum_.count();
    // A process's interruptible work still waiting needs the slices one by one.
    const bool waiting_work = cpu_.interruptible_backlog(OsId::Preceding) > Ticks{0} ||
                              cpu_.interruptible_backlog(OsId::Coexisting) > Ticks{0};
    if (due >= 2 && !waiting_work) {
        ticks_ += static_cast<std::uint64_t>(due);
        cpu_.skip_timer_switches(due, nominal, quantum_);
        const Ticks next = nominal + quantum_ * due;
        schedule_tick(next, next);
        return;
    }
    ++ticks_;
    cpu_.switch_to(other(cpu_.running()), SwitchReason::Timer);
    const Ticks next = nominal + quantum_;
    schedule_tick(later_of(next, clock_.now()), next);
}
// [/twinos:timer-tick]

}  // namespace twinos::machine
