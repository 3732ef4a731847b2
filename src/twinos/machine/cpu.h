// SPDX-License-Identifier: MIT
// Cpu: the one processor the two OSes time-share, and where its time went.
// Part of the simulated machine; OS code and labs never edit this.
//
// The paper shares only the processor between the OSes (§2.1). At any moment
// exactly one OS is running. Work is modelled by *charging* the CPU: a
// handler that costs c ticks, started at time t, keeps the CPU busy until
// t + c. Devices keep running meanwhile (their events fire on time), but
// anything that needs the CPU -- an interrupt delivery, a timer switch --
// waits until it is free. That is how handlers "run with interrupts masked".
//
// Interface:
//   - `running()`, `free_at()`;
//   - `switch_to(os, reason)`: charge the modelled switch cost and change OS;
//   - `charge(os, cost)`: run work for the running OS, interrupts masked;
//   - `charge_interruptible(os, cost)`: a user process's work -- it runs in
//     the CPU time the running OS leaves idle and never delays an interrupt
//     or a switch (interrupts preempt it, as they preempt a process);
//   - `stats(at)`: ticks held, busy, switching and idle per OS.
// Invariants: work is only ever charged to the running OS; held(preceding) +
// held(coexisting) + switching == total at every instant.
//
// Paper: §2.1, Table 1 (B), (D). Chapter: chapters/02-twinos.rst.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "twinos/machine/cost_model.h"
#include "twinos/machine/event_queue.h"
#include "twinos/machine/host_timing.h"
#include "twinos/machine/os_id.h"
#include "twinos/machine/ticks.h"

namespace twinos::machine {

class Trace;

/// Why the CPU changed OS.
enum class SwitchReason : std::uint8_t {
    Boot,    ///< The preceding OS handing over to the co-existing OS at boot.
    Timer,   ///< The time-sharing quantum ran out.
    Irq,     ///< An interrupt for the OS that was not running (paper step B).
    Return,  ///< Back to the interrupted OS after that interrupt (paper step D).
};

/// The name of a switch reason, for traces and summaries.
std::string_view to_string(SwitchReason reason);

/// Where the CPU's time went, up to a given instant.
struct CpuStats {
    Ticks total;                              ///< Time since power-on.
    std::array<Ticks, 2> held{};              ///< Time each OS held the CPU.
    std::array<Ticks, 2> busy{};              ///< Time each OS spent on charged work.
    Ticks switching;                          ///< Time spent switching between OSes.
    Ticks idle;                               ///< total - busy(both) - switching.
    std::array<std::uint64_t, 4> switches{};  ///< Count per `SwitchReason`.
    /// All switches, whatever their reason.
    std::uint64_t total_switches() const {
        return switches[0] + switches[1] + switches[2] + switches[3];
    }
};

/// The machine's processor.
class Cpu {
public:
    /// A CPU that reads time from `clock`, traces switches to `trace` and
    /// charges switches by `costs` (which must outlive it).
    Cpu(const EventQueue& clock, Trace& trace, const CostModel& costs)
        : clock_(clock), trace_(trace), costs_(costs) {}

    // Cpu — public interface

    /// The OS currently running.
    OsId running() const { return running_; }
    /// What work costs on this machine.
    const CostModel& costs() const { return costs_; }
    /// When the work charged so far is finished; at or before now when idle.
    Ticks free_at() const { return free_at_; }
    /// True when charged work is still in progress at the current time.
    bool busy() const { return free_at_ > clock_.now(); }

    /// Switch to `to`, charging the modelled cost for `reason`, once the CPU
    /// is free. Switching to the running OS is a no-op.
    void switch_to(OsId to, SwitchReason reason);

    /// Perform `count` timer switches at `first`, `first + quantum`, ... at
    /// once, with exactly the accounting `count` calls of `switch_to` would
    /// give, for a stretch in which nothing else happens.
    /// @pre the CPU is free at `first`; `quantum` > the switch cost.
    void skip_timer_switches(std::int64_t count, Ticks first, Ticks quantum);

    /// Charge `cost` of work to `os`, starting when the CPU is free.
    /// @pre `os == running()`: an OS can only spend CPU time while it runs.
    /// @return when the work finishes.
    Ticks charge(OsId os, Ticks cost) {
        if (os != running_) refuse_charge(os);
        if (backlog_[index_of(os)] > Ticks{0}) run_interruptible_until(clock_.now());
        const Ticks start = later_of(clock_.now(), free_at_);
        free_at_ = start + cost;
        busy_[index_of(os)] += cost;
        return free_at_;
    }

    /// Charge `cost` of interruptible work (a user process) to `os`. It runs
    /// in `os`'s idle CPU time from now on, in order, and is preempted by
    /// anything charged with `charge` and by switches: it never moves
    /// `free_at()`. What has not run yet waits for `os`'s next slice.
    /// @pre `os == running()`.
    void charge_interruptible(OsId os, Ticks cost);
    /// Interruptible work charged to `os` that has not run yet (as of now).
    Ticks interruptible_backlog(OsId os) const {
        if (backlog_[index_of(os)] == Ticks{0}) return Ticks{0};
        const Ticks ran = os == running_ ? interruptible_run_by(clock_.now()) : Ticks{0};
        return backlog_[index_of(os)] - ran;
    }

    /// The CPU's accounting as of time `at` (at least `free_at()`).
    CpuStats stats(Ticks at) const;
    /// Host time our own `switch_to` took for `reason` (recorded only while
    /// the trace's host timing is on; chapter 7's Table 1, steps B and D).
    const HostTiming& switch_host_time(SwitchReason reason) const {
        return switch_host_[static_cast<std::size_t>(reason)];
    }

private:
    // Throws the logic_error for work charged to an OS that is not running
    // (out of line: the text is built only then).
    [[noreturn]] void refuse_charge(OsId os) const;
    // switch_to's work; timed in host time; its trace line (cpu.cpp).
    [[gnu::always_inline]] inline void switch_now(OsId to, SwitchReason reason);
    [[gnu::noinline]] void switch_timed(OsId to, SwitchReason reason);
    [[gnu::noinline]] void trace_switch(Ticks start, OsId to, SwitchReason reason,
                                        Ticks cost) const;
    // Give the running OS's interruptible backlog the idle time up to `t`.
    void run_interruptible_until(Ticks t);
    // How much of the running OS's backlog runs in the idle time up to `t`.
    Ticks interruptible_run_by(Ticks t) const;

    // Cpu — state
    const EventQueue& clock_;
    Trace& trace_;
    const CostModel& costs_;
    OsId running_ = OsId::Preceding;  // the preceding OS boots first
    Ticks free_at_{0};
    Ticks running_since_{0};
    std::array<Ticks, 2> held_{};
    std::array<Ticks, 2> busy_{};
    Ticks switching_{0};
    std::array<std::uint64_t, 4> switches_{};
    std::array<HostTiming, 4> switch_host_{};
    std::array<Ticks, 2> backlog_{};  // interruptible work not yet run, per OS
    Ticks idle_used_until_{0};        // idle time up to here went to interruptible work
};

// Cpu — inline, because every charge asks it: how much of the running
// OS's interruptible work has run by now (chapter 2).
// [twinos:interruptible-run]
inline Ticks Cpu::interruptible_run_by(Ticks t) const {
    // The running OS's idle time since both the masked work and the
    // interruptible work already run ended, up to `t`.
    const Ticks from = later_of(free_at_, idle_used_until_);
    if (t <= from) return Ticks{0};
    const Ticks idle = t - from;
    const Ticks backlog = backlog_[index_of(running_)];
    return backlog < idle ? backlog : idle;
}

inline void Cpu::run_interruptible_until(Ticks t) {
    const Ticks run = interruptible_run_by(t);
    backlog_[index_of(running_)] -= run;
    busy_[index_of(running_)] += run;
    idle_used_until_ = later_of(idle_used_until_, t);
}
// [/twinos:interruptible-run]

}  // namespace twinos::machine
