// SPDX-License-Identifier: MIT
// Link: pulling frames one ahead, arrival events, and wire timing.
// Part of the simulated machine; OS code and labs never edit this.
#include "twinos/machine/link.h"

#include <algorithm>

#include "twinos/machine/event_queue.h"
#include "twinos/machine/trace.h"

namespace twinos::machine {

Ticks Link::wire_time(std::size_t frame_bytes) const {
    return Ticks{static_cast<std::int64_t>(wire_bytes(frame_bytes) * 8 * 1'000'000'000ull /
                                           bits_per_second_)};
}

void Link::play(FrameSource& source, Ticks start) {
    source_ = &source;
    start_ = start;
    have_epoch_ = false;
    schedule_pending();
}

// [twinos:link-pull]
void Link::schedule_pending() {
    std::int64_t timestamp_ns = 0;
    if (!source_->next(timestamp_ns, pending_)) {
        source_ = nullptr;  // end of the replay (or an error the source keeps)
        return;
    }
    if (!have_epoch_) {
        epoch_ns_ = timestamp_ns;
        have_epoch_ = true;
    }
    Ticks at = start_ + Ticks{timestamp_ns - epoch_ns_};
    // Time on the machine never runs backwards: a frame stamped earlier than
    // the one before it arrives right behind it.
    if (at < last_arrival_) {
        ++counters_.non_monotonic;
        at = last_arrival_;
    }
    at = later_of(at, clock_.now());
    last_arrival_ = at;
    pending_at_ = at;
    pending_time_ns_ = timestamp_ns;  // kept exactly, even when it went backwards
    clock_.schedule(ScheduleKey{}, at, "link:replay", [this] {
        deliver(pending_.bytes, pending_.original_length, pending_time_ns_);
        schedule_pending();  // pull the next frame only now
    });
}
// [/twinos:link-pull]

void Link::inject(Ticks at, WireFrame frame) {
    at = later_of(at, clock_.now());
    clock_.schedule(ScheduleKey{}, at, "link:inject", [this, frame = std::move(frame)] {
        deliver(frame.bytes, frame.original_length, wall_time(clock_.now()));
    });
}

void Link::deliver(std::span<const std::byte> bytes, std::uint32_t original_length,
                   std::int64_t wire_time_ns) {
    ++counters_.to_nic;
    counters_.to_nic_bytes += bytes.size();
    if (original_length > bytes.size()) ++counters_.truncated;
    if (trace_.enabled(TraceFlag::Nic)) {
        trace_.emit(TraceFlag::Nic, clock_.now(),
                    "link: frame of " + std::to_string(bytes.size()) + " bytes arrives");
    }
    const auto length = static_cast<std::uint32_t>(bytes.size());
    if (nic_ != nullptr) {
        nic_->receive_from_wire(bytes, wire_time_ns, std::max(original_length, length));
    }
}

void Link::transmit(std::span<const std::byte> frame) {
    ++counters_.from_nic;
    counters_.from_nic_bytes += frame.size();
    for (FrameSink* sink : sinks_) sink->on_transmit(clock_.now(), frame);
}

}  // namespace twinos::machine
