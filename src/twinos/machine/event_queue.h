// SPDX-License-Identifier: MIT
// EventQueue: the one clock of the machine and its sorted list of future events.
// Part of the simulated machine; OS code and labs never edit this.
//
// Everything that happens at a time -- a timer tick, a frame arriving on the
// wire, a delayed interrupt delivery -- is an event. Events are kept sorted by
// tick: the earliest fires first, and two events for the same tick fire in
// the order they were scheduled. That second rule is what makes the machine
// deterministic. Like Nachos' `SortedList`, the queue keeps it by where it
// puts a new event: behind every event already waiting for the same tick.
//
// Interface:
//   - `now()`: the current simulated time;
//   - `schedule(key, at, name, handler)`: only machine parts and devices hold
//     a `ScheduleKey`, so OS code cannot make time pass on its own. The
//     handler is a member function bound to its object (`EventHandler::to`),
//     which costs no allocation; a `std::function` works too, for the rare
//     event that must carry its own state (boot, an OS timer's work);
//   - `fire_next_until(limit)`: advance the clock to the next event at or
//     before `limit` and run it;
//   - `advance_to(t)`: move the clock forward when nothing is pending before t.
// Invariant: `now()` never goes backwards.
//
// Chapter: chapters/02-twinos.rst.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string_view>
#include <type_traits>
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

/// What an event does when it fires: a plain function, the object it works
/// on and one word of argument, bound when the event is scheduled.
///
/// Almost every event in the machine is "call this member of that object"
/// (deliver this interrupt line, pull the next frame, take this timer tick),
/// so an event needs no more than this: three words, copied into the queue,
/// no allocation and no type erasure.
struct EventHandler {
    /// The function an event calls, with the object and the word.
    using Function = void (*)(void* object, std::uint64_t word);
    Function function = nullptr;  ///< What to call.
    void* object = nullptr;       ///< What it works on.
    std::uint64_t word = 0;       ///< Its argument.

    /// Run it.
    void operator()() const { function(object, word); }

    /// Bind `(object.*Method)()` or, when Method takes one, `(object.*Method)(word)`.
    template <auto Method, class T>
    static EventHandler to(T& object, std::uint64_t word = 0) {
        return {&call<Method, T>, &object, word};
    }

private:
    template <auto Method, class T>
    static void call(void* object, std::uint64_t word) {
        T& self = *static_cast<T*>(object);
        if constexpr (std::is_invocable_v<decltype(Method), T&, std::uint64_t>) {
            (self.*Method)(word);
        } else {
            (self.*Method)();
        }
    }
};

/// The simulated clock and the queue of events waiting for their time.
class EventQueue {
public:
    /// What runs when an event that carries its own state fires.
    using Action = std::function<void()>;

    // EventQueue — public interface

    /// The current simulated time.
    Ticks now() const { return now_; }

    /// Queue `handler` to run at time `at` (never earlier than now).
    /// @pre `at >= now()`; an event in the past is a bug and throws.
    /// `name` says which event in the error; it is not kept.
    void schedule(ScheduleKey key, Ticks at, std::string_view name, EventHandler handler);

    /// Queue `action`, which carries its own state, to run at time `at`.
    /// The action waits in a slot of its own until it fires.
    void schedule(ScheduleKey key, Ticks at, std::string_view name, Action action);

    /// Fire the earliest event if its time is at or before `limit`.
    /// @return true when an event fired, false when none was due by `limit`.
    bool fire_next_until(Ticks limit);

    /// Move the clock forward to `t` when no event is due before it.
    void advance_to(Ticks t);

    /// How far time may run with nothing happening: the earlier of the next
    /// waiting event and the limit of the current `fire_next_until` call.
    Ticks horizon() const;

    /// When the next waiting event is due; `Ticks::max()` when none waits.
    /// (The live wire sleeps until then, chapter 3.)
    Ticks next_due() const { return soon_size_ == 0 ? Ticks::max() : soon_[soon_size_ - 1].at; }

    /// The number of events waiting.
    std::size_t pending() const { return soon_size_ + later_.size(); }

    /// The number of events fired since the machine was built.
    std::uint64_t fired() const { return fired_; }

private:
    // EventQueue — state
    // Two tiers. `soon_` holds the next few events (at most kSoonEvents),
    // sorted latest first: the next to fire is at its back, so firing is a
    // pop_back, and a new event -- usually due soon: an interrupt to
    // deliver, the next frame -- finds its place by walking from the back
    // past one or two others. A machine has a handful of events waiting, so
    // nearly always that is all there is. `later_` takes the rest when there
    // are more (a server answering a request of 300 000 frames schedules
    // every reply at once): a binary min-heap on (time, sequence).
    // Invariants: every event in `later_` is due after every event in
    // `soon_`, and `later_` is used only while `soon_` is full.
    struct Event {
        Ticks at;
        std::uint64_t sequence;  // scheduling order: breaks ties in `later_`
        EventHandler handler;
    };
    // Whether `a` fires after `b`: the heap's order (std::push_heap keeps
    // the greatest on top, so "greater" is "later" to put the next on top).
    static bool fires_after(const Event& a, const Event& b) {
        return a.at != b.at ? a.at > b.at : a.sequence > b.sequence;
    }
    static constexpr std::size_t kSoonEvents = 16;
    void push(Ticks at, std::uint64_t sequence, EventHandler handler);
    EventHandler pop();  // the next event: the clock moves to it, its handler returned
    // A push when the first tier is full.
    void push_beyond_soon(const Event& event);
    // After a pop from a full first tier: its place is taken by the second
    // tier's earliest event.
    void refill_soon();
    // The second tier: pushing an event that is not among the next few, and
    // taking its earliest one (for refill_soon).
    void push_later(const Event& event);
    Event pop_later();
    // Throws the logic_error for an event scheduled in the past.
    [[noreturn]] static void refuse_past(std::string_view name);
    // Throws the logic_error for an advance past a waiting event.
    [[noreturn]] static void refuse_skip();
    // The handler of an event scheduled with an Action: runs the action
    // waiting in slot `word`.
    void run_action(std::uint64_t slot);

    // The first tier in place: no capacity to check, nothing to allocate.
    std::array<Event, kSoonEvents> soon_{};  // [0, soon_size_) waiting, latest first
    std::size_t soon_size_ = 0;
    std::vector<Event> later_;  // a heap, all due after soon_'s
    std::uint64_t next_sequence_ = 0;
    std::vector<Action> actions_;  // actions waiting, by slot
    std::vector<std::uint32_t> free_slots_;
    Ticks now_{0};
    Ticks limit_{0};  // the limit of the fire_next_until call in progress
    std::uint64_t fired_ = 0;
};

// EventQueue — the hot paths, inline: every event of the machine passes
// through them, and the calls would cost more than the work.

// [twinos:event-heap]
inline void EventQueue::push(Ticks at, std::uint64_t sequence, EventHandler handler) {
    // More than a handful waiting: the two tiers decide (out of line).
    if (soon_size_ == kSoonEvents) [[unlikely]] {
        push_beyond_soon(Event{at, sequence, handler});
        return;
    }
    std::size_t place = soon_size_++;
    Event* const events = soon_.data();
    // Walk from the back: past every event due before it, and in front of
    // (so after, in firing order) every event waiting for the same time --
    // a new event is the newest, so among equal times it fires last.
    while (place > 0 && events[place - 1].at <= at) {
        events[place] = events[place - 1];
        --place;
    }
    // Field by field from the caller's values: an Event built first and then
    // copied in would be read back in wider moves than it was written in,
    // which stalls the CPU on every event (chapter 7).
    Event& slot = events[place];
    slot.at = at;
    slot.sequence = sequence;
    slot.handler.function = handler.function;
    slot.handler.object = handler.object;
    slot.handler.word = handler.word;
}

inline EventHandler EventQueue::pop() {
    // Read field by field (the fields were stored one by one, perhaps a
    // moment ago: an event for "now"), then let the second tier refill.
    const Event& next = soon_[--soon_size_];
    now_ = next.at;
    const EventHandler handler{next.handler.function, next.handler.object, next.handler.word};
    if (!later_.empty()) [[unlikely]] {
        refill_soon();
    }
    return handler;
}
// [/twinos:event-heap]

// [twinos:event-schedule]
inline void EventQueue::schedule(ScheduleKey, Ticks at, std::string_view name,
                                 EventHandler handler) {
    if (at < now_) {
        // An event in the past would make time run backwards for whoever
        // handles it; that is always a bug in the caller, never input.
        refuse_past(name);
    }
    push(at, next_sequence_++, handler);
}
// [/twinos:event-schedule]

inline void EventQueue::advance_to(Ticks t) {
    if (soon_size_ != 0 && soon_[soon_size_ - 1].at < t) [[unlikely]]
        refuse_skip();
    if (t > now_) now_ = t;
}

// [twinos:event-fire]
inline bool EventQueue::fire_next_until(Ticks limit) {
    limit_ = limit;
    if (soon_size_ == 0 || soon_[soon_size_ - 1].at > limit) return false;
    const EventHandler handler = pop();  // and the clock is at its time
    ++fired_;
    handler();
    return true;
}
// [/twinos:event-fire]

}  // namespace twinos::machine
