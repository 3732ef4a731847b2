// SPDX-License-Identifier: MIT
// TimeSharing: the timer that hands the CPU from one OS to the other.
// Part of the simulated machine; OS code and labs never edit this.
//
// Paper §2.1: "while running, the OS is switched on timer interrupts". Every
// quantum the timer fires and the CPU switches to the other OS, paying the
// OS-switch cost. Ticks fall on a fixed grid (start + k * quantum) so that a
// late tick -- one that had to wait for the CPU to finish masked work -- does
// not push every later tick back, and both OSes get the same share over many
// quanta.
//
// Interface: `start(first_tick)`, `ticks()`, `deferred()`, `next_tick()`.
//
// Paper: §2.1. Chapter: chapters/02-twinos.rst.
#pragma once

#include <cstdint>

#include "twinos/machine/ticks.h"

namespace twinos::machine {

class Cpu;
class EventQueue;

/// The time-sharing timer.
class TimeSharing {
public:
    /// A timer that switches `cpu` every `quantum` of `clock` time.
    TimeSharing(EventQueue& clock, Cpu& cpu, Ticks quantum)
        : clock_(clock), cpu_(cpu), quantum_(quantum) {}

    // TimeSharing — public interface

    /// Schedule the first timer tick at `first_tick`; later ones follow every quantum.
    void start(Ticks first_tick);
    /// The quantum.
    Ticks quantum() const { return quantum_; }
    /// Timer ticks handled so far.
    std::uint64_t ticks() const { return ticks_; }
    /// Ticks that had to wait for the CPU to finish masked work.
    std::uint64_t deferred() const { return deferred_; }
    /// True once `start` was called.
    bool started() const { return started_; }
    /// When the next tick event is due (the next switch between the OSes
    /// the timer makes). @pre `started()`.
    Ticks next_tick() const { return next_tick_; }

private:
    // TimeSharing — state
    void tick(Ticks nominal);
    // The timer event: its word is the tick's nominal time.
    void tick_event(std::uint64_t nominal) { tick(Ticks{static_cast<std::int64_t>(nominal)}); }
    void schedule_tick(Ticks at, Ticks nominal);
    EventQueue& clock_;
    Cpu& cpu_;
    Ticks quantum_;
    std::uint64_t ticks_ = 0;
    std::uint64_t deferred_ = 0;
    bool started_ = false;
    Ticks next_tick_{0};
};

}  // namespace twinos::machine
