// SPDX-License-Identifier: MIT
// EventQueue: keeping events in time order, and firing them.
// Part of the simulated machine; OS code and labs never edit this.
#include "twinos/machine/event_queue.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace twinos::machine {

// [twinos:event-heap]
inline void EventQueue::push(Event event) {
    // The vector is sorted latest first, so the next event to fire is at
    // the back. A new event is usually due soon -- an interrupt to deliver,
    // the next frame -- so its place is found by walking from the back past
    // the few events due before it.
    std::size_t place = pending_.size();
    if (place > kWalkLimit) [[unlikely]] {
        push_into_long_queue(event);
        return;
    }
    pending_.emplace_back();
    Event* const events = pending_.data();
    // Equal times fire in scheduling order: the new event goes in front of
    // (fires after) every waiting event with its time.
    while (place > 0 && events[place - 1].at <= event.at) {
        events[place] = events[place - 1];
        --place;
    }
    events[place] = event;
}

void EventQueue::push_into_long_queue(Event event) {
    // Find the place by halving instead, then shift the events due before
    // it up by one (a single memmove).
    const auto place = std::partition_point(pending_.begin(), pending_.end(),
                                            [&](const Event& e) { return e.at > event.at; });
    pending_.insert(place, event);
}

inline EventQueue::Event EventQueue::pop() {
    const Event next = pending_.back();
    pending_.pop_back();
    return next;
}
// [/twinos:event-heap]

// [twinos:event-schedule]
void EventQueue::schedule(ScheduleKey, Ticks at, std::string_view name, EventHandler handler) {
    if (at < now_) {
        // An event in the past would make time run backwards for whoever
        // handles it; that is always a bug in the caller, never input.
        throw std::logic_error("EventQueue: event '" + std::string(name) +
                               "' scheduled in the past");
    }
    push(Event{at, handler});
}
// [/twinos:event-schedule]

void EventQueue::schedule(ScheduleKey key, Ticks at, std::string_view name, Action action) {
    // The slot the action will wait in; taken only once the event is queued,
    // so an event refused for being in the past leaves nothing behind.
    const bool reuse = !free_slots_.empty();
    const std::uint32_t slot =
        reuse ? free_slots_.back() : static_cast<std::uint32_t>(actions_.size());
    schedule(key, at, name, EventHandler::to<&EventQueue::run_action>(*this, slot));
    if (reuse) {
        free_slots_.pop_back();
        actions_[slot] = std::move(action);
    } else {
        actions_.push_back(std::move(action));
    }
}

void EventQueue::run_action(std::uint64_t slot) {
    // Take the action out of its slot before running it: it may schedule
    // new events, which reuse slots and may move the slot vector.
    Action action = std::move(actions_[slot]);
    free_slots_.push_back(static_cast<std::uint32_t>(slot));
    action();
}

// [twinos:event-fire]
bool EventQueue::fire_next_until(Ticks limit) {
    limit_ = limit;
    if (pending_.empty() || pending_.back().at > limit) return false;
    const Event event = pop();
    now_ = event.at;
    ++fired_;
    event.handler();
    return true;
}
// [/twinos:event-fire]

Ticks EventQueue::horizon() const {
    if (pending_.empty() || pending_.back().at > limit_) return limit_;
    return pending_.back().at;
}

void EventQueue::advance_to(Ticks t) {
    if (!pending_.empty() && pending_.back().at < t) {
        throw std::logic_error("EventQueue: advance_to would skip a pending event");
    }
    if (t > now_) now_ = t;
}

}  // namespace twinos::machine
