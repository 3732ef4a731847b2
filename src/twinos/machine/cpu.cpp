// SPDX-License-Identifier: MIT
// Cpu: switching between the two OSes and accounting for every tick.
// Part of the simulated machine; OS code and labs never edit this.
#include "twinos/machine/cpu.h"

#include <stdexcept>
#include <string>

#include "twinos/machine/costs.h"
#include "twinos/machine/event_queue.h"
#include "twinos/machine/trace.h"

namespace twinos::machine {

std::string_view to_string(SwitchReason reason) {
    switch (reason) {
        case SwitchReason::Boot: return "boot";
        case SwitchReason::Timer: return "timer";
        case SwitchReason::Irq: return "irq";
        case SwitchReason::Return: return "return";
    }
    return "?";
}

// [twinos:os-switch]
void Cpu::switch_to(OsId to, SwitchReason reason) {
    if (to == running_) return;
    // Timed in host time only while the trace asks (chapter 7's Table 1):
    // out of line, as is the trace line, so that an untimed, untraced
    // switch saves no registers for them.
    if (trace_.host_timing()) [[unlikely]]
        return switch_timed(to, reason);
    switch_now(to, reason);
}

inline void Cpu::switch_now(OsId to, SwitchReason reason) {
    // A return to the interrupted OS is cheaper than a full switch: the
    // paper measured (D) at 0.75 µs against (B) at 3.99 µs.
    const Ticks cost =
        reason == SwitchReason::Return ? costs_.return_to_interrupted : costs_.os_switch;
    if (backlog_[index_of(running_)] > Ticks{0}) run_interruptible_until(clock_.now());
    const Ticks start = later_of(clock_.now(), free_at_);
    // Close the outgoing OS's hold on the CPU, then pay for the switch.
    held_[index_of(running_)] += start - running_since_;
    switching_ += cost;
    ++switches_[static_cast<std::size_t>(reason)];
    if (trace_.enabled(TraceFlag::Sched)) [[unlikely]]
        trace_switch(start, to, reason, cost);
    running_ = to;
    free_at_ = start + cost;
    running_since_ = free_at_;
}
// [/twinos:os-switch]

void Cpu::switch_timed(OsId to, SwitchReason reason) {
    HostTimer timer(switch_host_[static_cast<std::size_t>(reason)], true);
    switch_now(to, reason);
}

void Cpu::trace_switch(Ticks start, OsId to, SwitchReason reason, Ticks cost) const {
    trace_.emit(TraceFlag::Sched, start,
                "switch " + std::string(to_string(running_)) + " -> " + std::string(to_string(to)) +
                    " (" + std::string(to_string(reason)) + ", cost " +
                    std::to_string(cost.count()) + " ns)");
}

// [twinos:skip-switches]
void Cpu::skip_timer_switches(std::int64_t count, Ticks first, Ticks quantum) {
    if (count <= 0) return;
    if (backlog_[index_of(running_)] > Ticks{0}) run_interruptible_until(first);
    const Ticks cost = costs_.os_switch;
    const OsId start = running_;
    // Up to the first switch the running OS holds the CPU as usual. Between
    // two switches an OS holds it for quantum - cost; the other OS gets the
    // first such stretch, then they alternate.
    held_[index_of(start)] += first - running_since_;
    const std::int64_t stretches = count - 1;
    held_[index_of(other(start))] += (quantum - cost) * ((stretches + 1) / 2);
    held_[index_of(start)] += (quantum - cost) * (stretches / 2);
    switching_ += cost * count;
    switches_[static_cast<std::size_t>(SwitchReason::Timer)] += static_cast<std::uint64_t>(count);
    if (trace_.enabled(TraceFlag::Sched)) {
        OsId from = start;
        for (std::int64_t i = 0; i < count; ++i) {
            trace_.emit(TraceFlag::Sched, first + quantum * i,
                        "switch " + std::string(to_string(from)) + " -> " +
                            std::string(to_string(other(from))) + " (timer, cost " +
                            std::to_string(cost.count()) + " ns)");
            from = other(from);
        }
    }
    running_ = count % 2 == 0 ? start : other(start);
    free_at_ = first + quantum * (count - 1) + cost;
    running_since_ = free_at_;
}
// [/twinos:skip-switches]

// [twinos:interruptible-work]
void Cpu::charge_interruptible(OsId os, Ticks cost) {
    if (os != running_) refuse_charge(os);
    run_interruptible_until(clock_.now());
    if (backlog_[index_of(os)] == Ticks{0}) idle_used_until_ = clock_.now();
    backlog_[index_of(os)] += cost;
}

// [/twinos:interruptible-work]

void Cpu::refuse_charge(OsId os) const {
    throw std::logic_error("Cpu: work charged to the " + std::string(to_string(os)) +
                           " OS while the " + std::string(to_string(running_)) + " OS is running");
}

CpuStats Cpu::stats(Ticks at) const {
    CpuStats s;
    s.total = later_of(at, free_at_);
    s.held = held_;
    // The running OS holds the CPU from its switch-in until now.
    if (s.total > running_since_) s.held[index_of(running_)] += s.total - running_since_;
    s.busy = busy_;
    if (backlog_[index_of(running_)] > Ticks{0})
        s.busy[index_of(running_)] += interruptible_run_by(s.total);
    s.switching = switching_;
    s.idle = s.total - s.busy[0] - s.busy[1] - s.switching;
    s.switches = switches_;
    return s;
}

}  // namespace twinos::machine
