// SPDX-License-Identifier: MIT
// OsTimer: work an OS asked to do at a time, run in that OS's own CPU time.
// Part of the simulated machine; OS code and labs never edit this.
//
// A process that sleeps until a time -- the monitor AP's periodic read
// (§3.3 step 3), a rule change the user scheduled -- is woken by its own
// kernel's timer and then needs the CPU. On the twin machine the CPU may be
// with the other OS at that moment: the work then waits for the start of
// its own OS's next time slice, which the time-sharing timer gives it. It
// never runs inside an interrupt delivery (it is an event of its own), and
// what it charges starts when the CPU is free, after any work in progress.
//
// Interface: `run_at(os, at, name, work)`; `waited()`.
// Invariant: `work` runs with `os` holding the CPU, at or after `at`.
// Error: before the machine boots nothing shares the CPU yet, so no time is
// promised for the other OS; `run_at` says so instead of waiting forever.
//
// Paper: §2.1 (time sharing), §3.3. Chapter: chapters/06-monitor-ap.rst.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "twinos/machine/os_id.h"
#include "twinos/machine/ticks.h"

namespace twinos::machine {

class Cpu;
class EventQueue;
class TimeSharing;

/// The per-OS timer that wakes work in its own OS's time.
class OsTimer {
public:
    /// Work to run; it charges its own CPU time.
    using Work = std::function<void()>;

    /// A timer on `clock` that waits for `cpu` and the slices `sharing` gives.
    OsTimer(EventQueue& clock, Cpu& cpu, const TimeSharing& sharing)
        : clock_(clock), cpu_(cpu), sharing_(sharing) {}

    // OsTimer — public interface

    /// Run `work` for `os` at `at`, or as soon after it as `os` holds the
    /// CPU (the start of its next slice when the other OS runs at `at`).
    /// @throws std::logic_error when `at` is in the past, or when `os` is not
    ///         running and time sharing has not started (nothing would ever
    ///         give it the CPU).
    void run_at(OsId os, Ticks at, std::string_view name, Work work);

    /// Wake-ups that found the other OS running and waited for their slice.
    std::uint64_t waited() const { return waited_; }

private:
    void attempt(OsId os, Work work, bool counted);

    // OsTimer — state
    EventQueue& clock_;
    Cpu& cpu_;
    const TimeSharing& sharing_;
    std::uint64_t waited_ = 0;
};

}  // namespace twinos::machine
