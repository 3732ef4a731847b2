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

void EventQueue::push_beyond_soon(const Event& event) {
    // The first tier is full. The new event (the newest: among equal times
    // it fires last) goes to the second tier unless it is due before the
    // first tier's latest event...
    if (event.at >= soon_[0].at) {
        push_later(event);
        return;
    }
    // ...in which case that one moves down (it is due before everything in
    // the second tier) and the new one walks into the first tier as usual.
    push_later(soon_[0]);
    std::copy(soon_.begin() + 1, soon_.begin() + soon_size_, soon_.begin());
    --soon_size_;
    push(event.at, event.sequence, event.handler);
}

void EventQueue::refill_soon() {
    // The second tier's earliest event is due after all of the first's: it
    // becomes the first tier's latest.
    std::copy_backward(soon_.begin(), soon_.begin() + soon_size_, soon_.begin() + soon_size_ + 1);
    soon_[0] = pop_later();
    ++soon_size_;
}

// The second tier is a heap with the earliest event on top; the standard
// heap algorithms keep it, ordered by `fires_after`.
void EventQueue::push_later(const Event& event) {
    later_.push_back(event);
    std::push_heap(later_.begin(), later_.end(), fires_after);
}

EventQueue::Event EventQueue::pop_later() {
    std::pop_heap(later_.begin(), later_.end(), fires_after);
    const Event first = later_.back();
    later_.pop_back();
    return first;
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
    if (soon_size_ == 0 || soon_[soon_size_ - 1].at > limit_) return limit_;
    return soon_[soon_size_ - 1].at;
}

void EventQueue::refuse_skip() {
    throw std::logic_error("EventQueue: advance_to would skip a pending event");
}

}  // namespace twinos::machine
