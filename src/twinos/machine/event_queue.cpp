// SPDX-License-Identifier: MIT
// EventQueue: keeping events in time order, and firing them.
// Part of the simulated machine; OS code and labs never edit this.
#include "twinos/machine/event_queue.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace twinos::machine {

void EventQueue::refuse_past(std::string_view name) {
    throw std::logic_error("EventQueue: event '" + std::string(name) + "' scheduled in the past");
}

void EventQueue::push_into_long_queue(Event event) {
    // Find the place by halving instead, then shift the events due before
    // it up by one (a single memmove).
    const auto place = std::partition_point(pending_.begin(), pending_.end(),
                                            [&](const Event& e) { return e.at > event.at; });
    pending_.insert(place, event);
}

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
