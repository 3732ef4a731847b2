// SPDX-License-Identifier: MIT
// EventQueue: the one clock of the machine and its sorted list of future events.
// Part of the simulated machine; OS code and labs never edit this.
//
// Everything that happens at a time -- a timer tick, a frame arriving on the
// wire, a delayed interrupt delivery -- is an event. Events are kept ordered
// by (tick, sequence number): the earliest fires first, and two events for the
// same tick fire in the order they were scheduled. That second rule is what
// makes the machine deterministic; Nachos kept it implicitly in its
// `SortedList`, we make it explicit.
//
// Interface:
//   - `now()`: the current simulated time;
//   - `schedule(key, at, name, action)`: only machine parts and devices hold a
//     `ScheduleKey`, so OS code cannot make time pass on its own;
//   - `fire_next_until(limit)`: advance the clock to the next event at or
//     before `limit` and run it;
//   - `advance_to(t)`: move the clock forward when nothing is pending before t.
// Invariant: `now()` never goes backwards.
//
// Chapter: chapters/02-twinos.rst.
#pragma once

#include <cstdint>
#include <functional>
#include <queue>
#include <string_view>
#include <vector>

#include "twinos/machine/ticks.h"

namespace twinos::machine {

class Machine;
class Device;
class InterruptController;
class TimeSharing;
class Link;
class OsTimer;

/// A pass key: only the machine and its devices may schedule events.
///
/// OS code (kernels, drivers, the pseudo NIC) reacts to events but never
/// creates them; time passes for an OS only by being charged on the CPU.
class ScheduleKey {
    ScheduleKey() = default;
    friend class Machine;
    friend class Device;
    friend class InterruptController;
    friend class TimeSharing;
    friend class Link;
    friend class OsTimer;
};

/// The simulated clock and the queue of events waiting for their time.
class EventQueue {
public:
    /// What runs when an event fires.
    using Action = std::function<void()>;

    // EventQueue — public interface

    /// The current simulated time.
    Ticks now() const { return now_; }

    /// Queue `action` to run at time `at` (never earlier than now).
    /// @pre `at >= now()`; an event in the past is a bug and throws.
    /// `name` says which event in the error; it is not kept.
    void schedule(ScheduleKey key, Ticks at, std::string_view name, Action action);

    /// Fire the earliest event if its time is at or before `limit`.
    /// @return true when an event fired, false when none was due by `limit`.
    bool fire_next_until(Ticks limit);

    /// Move the clock forward to `t` when no event is due before it.
    void advance_to(Ticks t);

    /// How far time may run with nothing happening: the earlier of the next
    /// waiting event and the limit of the current `fire_next_until` call.
    Ticks horizon() const;

    /// The number of events waiting.
    std::size_t pending() const { return queue_.size(); }

    /// The number of events fired since the machine was built.
    std::uint64_t fired() const { return fired_; }

private:
    // EventQueue — state
    // The heap holds only what ordering needs -- time, sequence and where
    // the action waits -- so sifting moves 24 plain bytes, never a
    // std::function. Actions wait in slots that are reused once fired.
    struct Event {
        Ticks at;
        std::uint64_t sequence;  // tie-breaker: scheduling order
        std::uint32_t slot;      // index into actions_
    };
    struct Later {
        bool operator()(const Event& a, const Event& b) const {
            if (a.at != b.at) return a.at > b.at;
            return a.sequence > b.sequence;
        }
    };
    std::priority_queue<Event, std::vector<Event>, Later> queue_;
    std::vector<Action> actions_;
    std::vector<std::uint32_t> free_slots_;
    Ticks now_{0};
    Ticks limit_{0};  // the limit of the fire_next_until call in progress
    std::uint64_t next_sequence_ = 0;
    std::uint64_t fired_ = 0;
};

}  // namespace twinos::machine
