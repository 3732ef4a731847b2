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
    std::uint32_t slot;
    if (free_slots_.empty()) {
        slot = static_cast<std::uint32_t>(actions_.size());
        actions_.push_back(std::move(action));
    } else {
        slot = free_slots_.back();
        free_slots_.pop_back();
        actions_[slot] = std::move(action);
    }
    // The sequence number breaks ties: equal times fire in scheduling order.
    queue_.push(Event{at, next_sequence_++, slot});
}
// [/twinos:event-schedule]

// [twinos:event-fire]
bool EventQueue::fire_next_until(Ticks limit) {
    limit_ = limit;
    if (queue_.empty() || queue_.top().at > limit) return false;
    const Event event = queue_.top();
    queue_.pop();
    // Take the action out of its slot before running it: it may schedule
    // new events, which reuse slots and may move the slot vector.
    Action action = std::move(actions_[event.slot]);
    free_slots_.push_back(event.slot);
    now_ = event.at;
    ++fired_;
    action();
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
