// SPDX-License-Identifier: MIT
// OsTimer: waiting for the right OS to hold the CPU.
// Part of the simulated machine; OS code and labs never edit this.
#include "twinos/machine/os_timer.h"

#include <stdexcept>
#include <string>

#include "twinos/machine/cpu.h"
#include "twinos/machine/event_queue.h"
#include "twinos/machine/time_sharing.h"

namespace twinos::machine {

void OsTimer::run_at(OsId os, Ticks at, std::string_view name, Work work) {
    if (at < clock_.now()) {
        throw std::logic_error(std::string(name) + ": cannot run in the " +
                               std::string(to_string(os)) + " OS at " + std::to_string(at.count()) +
                               " ns, which is in the past");
    }
    if (!sharing_.started() && cpu_.running() != os) {
        throw std::logic_error(std::string(name) + ": cannot run in the " +
                               std::string(to_string(os)) +
                               " OS: the machine has not booted, so no time slice is coming");
    }
    clock_.schedule(ScheduleKey{}, at, name, [this, os, work = std::move(work)]() mutable {
        attempt(os, std::move(work), false);
    });
}

// [twinos:os-timer]
void OsTimer::attempt(OsId os, Work work, bool counted) {
    // The other OS holds the CPU: the next timer tick hands it back (an
    // interrupt's visit always returns, so the tick is what switches).
    if (cpu_.running() != os) {
        if (!counted) ++waited_;
        clock_.schedule(
            ScheduleKey{}, later_of(sharing_.next_tick(), clock_.now()), "os-timer",
            [this, os, work = std::move(work)]() mutable { attempt(os, std::move(work), true); });
        return;
    }
    // Its OS holds the CPU. Whatever the work charges starts when the CPU
    // is free: masked work queues behind a handler still running, a
    // process's work (Cpu::charge_interruptible) fills the idle time.
    work();
}
// [/twinos:os-timer]

}  // namespace twinos::machine
