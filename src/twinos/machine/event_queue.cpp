// SPDX-License-Identifier: MIT
// EventQueue: ordering by (tick, sequence), and firing.
// Part of the simulated machine; OS code and labs never edit this.
#include "twinos/machine/event_queue.h"

#include <stdexcept>
#include <string>
#include <utility>

namespace twinos::machine {

// [twinos:event-heap]
inline void EventQueue::push(Event event) {
    // Sift up: move the hole from the end towards the root while the
    // parent would fire later than the new event.
    heap_.emplace_back();
    Event* const heap = heap_.data();
    std::size_t hole = heap_.size() - 1;
    while (hole > 0) {
        const std::size_t parent = (hole - 1) / 2;
        if (!earlier(event, heap[parent])) break;
        heap[hole] = heap[parent];
        hole = parent;
    }
    heap[hole] = event;
}

inline EventQueue::Event EventQueue::pop() {
    Event* const heap = heap_.data();
    const Event first = heap[0];
    const std::size_t size = heap_.size() - 1;
    const Event last = heap[size];
    heap_.pop_back();
    // Sift down: the last event fills the hole at the root, moving down
    // past every child that fires before it.
    std::size_t hole = 0;
    for (std::size_t child = 1; child < size; child = 2 * hole + 1) {
        if (child + 1 < size && earlier(heap[child + 1], heap[child])) ++child;
        if (!earlier(heap[child], last)) break;
        heap[hole] = heap[child];
        hole = child;
    }
    if (size > 0) heap[hole] = last;
    return first;
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
    // The sequence number breaks ties: equal times fire in scheduling order.
    push(Event{at, next_sequence_++, handler});
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
    if (heap_.empty() || heap_.front().at > limit) return false;
    const Event event = pop();
    now_ = event.at;
    ++fired_;
    event.handler();
    return true;
}
// [/twinos:event-fire]

Ticks EventQueue::horizon() const {
    if (heap_.empty() || heap_.front().at > limit_) return limit_;
    return heap_.front().at;
}

void EventQueue::advance_to(Ticks t) {
    if (!heap_.empty() && heap_.front().at < t) {
        throw std::logic_error("EventQueue: advance_to would skip a pending event");
    }
    if (t > now_) now_ = t;
}

}  // namespace twinos::machine
