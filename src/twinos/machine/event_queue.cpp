// SPDX-License-Identifier: MIT
// EventQueue: ordering by (tick, sequence), and firing.
// Part of the simulated machine; OS code and labs never edit this.
#include "twinos/machine/event_queue.h"

#include <stdexcept>
#include <string>
#include <utility>

namespace twinos::machine {

// [twinos:event-schedule]
void EventQueue::schedule(ScheduleKey, Ticks at, std::string_view name, Action action) {
    if (at < now_) {
        // An event in the past would make time run backwards for whoever
        // handles it; that is always a bug in the caller, never input.
        throw std::logic_error("EventQueue: event '" + std::string(name) +
                               "' scheduled in the past");
    }
    // The sequence number breaks ties: equal times fire in scheduling order.
    queue_.push(Event{at, next_sequence_++, std::move(action)});
}
// [/twinos:event-schedule]

// [twinos:event-fire]
bool EventQueue::fire_next_until(Ticks limit) {
    limit_ = limit;
    if (queue_.empty() || queue_.top().at > limit) return false;
    // Move out before popping: the action may schedule new events, which
    // would invalidate a reference into the heap. Moving leaves the time and
    // sequence -- all pop() compares -- in place.
    Event event = std::move(const_cast<Event&>(queue_.top()));
    queue_.pop();
    now_ = event.at;
    ++fired_;
    event.action();
    return true;
}
// [/twinos:event-fire]

Ticks EventQueue::horizon() const {
    if (queue_.empty() || queue_.top().at > limit_) return limit_;
    return queue_.top().at;
}

void EventQueue::advance_to(Ticks t) {
    if (!queue_.empty() && queue_.top().at < t) {
        throw std::logic_error("EventQueue: advance_to would skip a pending event");
    }
    if (t > now_) now_ = t;
}

}  // namespace twinos::machine
