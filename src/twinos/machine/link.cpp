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
    const bool first = !have_epoch_;
    if (first) {
        epoch_ns_ = timestamp_ns;
        have_epoch_ = true;
    }
    Ticks at = first ? start_ : replay_time(timestamp_ns, pending_.bytes.size());
    // Time on the machine never runs backwards: a frame stamped earlier than
    // the one before it arrives right behind it (and so does one whose time
    // passed while the wire was held).
    if (!first && timestamp_ns < previous_time_ns_) ++counters_.non_monotonic;
    previous_time_ns_ = timestamp_ns;
    at = later_of(later_of(at, last_arrival_), clock_.now());
    last_arrival_ = at;
    pending_at_ = at;
    pending_time_ns_ = timestamp_ns;  // kept exactly, even when it went backwards
    clock_.schedule(ScheduleKey{}, at, "link:replay",
                    EventHandler::to<&Link::arrive_pending>(*this));
}

void Link::arrive_pending() {
    if (pace_ == ReplayPace::Hold && nic_ != nullptr) {
        // 802.3x: a NIC that cannot take the frame has paused the wire; the
        // frame waits until the NIC says it can (`resume`).
        if (!offer_pending()) {
            held_ = true;
            held_since_ = clock_.now();
            ++counters_.holds;
            return;
        }
    } else {
        deliver(pending_.bytes, pending_.original_length, pending_time_ns_);
    }
    schedule_pending();  // pull the next frame only now
}
// [/twinos:link-pull]

bool Link::offer_pending() {
    // Asking the NIC and then delivering are two calls through the NIC's
    // interface; `offer_from_wire` is both in one (chapter 7), and the
    // arrival is counted once the NIC has taken the frame. While the trace
    // shows the arrival -- a line that comes before the card's own lines
    // about the frame -- the two calls are made apart.
    if (trace_.enabled(TraceFlag::Nic)) [[unlikely]] {
        if (nic_->needs_pause()) return false;
        deliver(pending_.bytes, pending_.original_length, pending_time_ns_);
        return true;
    }
    const std::span<const std::byte> bytes = pending_.bytes;
    const auto length = static_cast<std::uint32_t>(bytes.size());
    if (!nic_->offer_from_wire(bytes, pending_time_ns_,
                               std::max(pending_.original_length, length))) {
        return false;
    }
    count_arrival(bytes.size(), pending_.original_length);
    return true;
}

Ticks Link::replay_time(std::int64_t timestamp_ns, std::size_t bytes) const {
    // Back to back: the frame takes the wire right after the one before it.
    if (speed_ == kReplaySpeedMax) return last_arrival_ + wire_time(bytes);
    const std::int64_t gap = timestamp_ns - epoch_ns_;
    if (speed_ == 1.0) return start_ + Ticks{gap};
    return start_ + scaled_gap(gap);
}

Ticks Link::scaled_gap(std::int64_t gap) const {
    return Ticks{static_cast<std::int64_t>(static_cast<long double>(gap) / speed_)};
}

void Link::resume() {
    if (!held_) return;
    held_ = false;
    counters_.held += clock_.now() - held_since_;
    // A frame held behind the pause arrives now, and the replay goes on.
    last_arrival_ = later_of(last_arrival_, clock_.now());
    pending_at_ = clock_.now();
    clock_.schedule(ScheduleKey{}, clock_.now(), "link:resume",
                    EventHandler::to<&Link::arrive_pending>(*this));
}

void Link::inject(Ticks at, WireFrame frame) {
    at = later_of(at, clock_.now());
    clock_.schedule(ScheduleKey{}, at, "link:inject", [this, frame = std::move(frame)] {
        deliver(frame.bytes, frame.original_length, wall_time(clock_.now()));
    });
}

void Link::count_arrival(std::size_t bytes, std::uint32_t original_length) {
    ++counters_.to_nic;
    counters_.to_nic_bytes += bytes;
    if (original_length > bytes) ++counters_.truncated;
}

void Link::deliver(std::span<const std::byte> bytes, std::uint32_t original_length,
                   std::int64_t wire_time_ns) {
    count_arrival(bytes.size(), original_length);
    if (trace_.enabled(TraceFlag::Nic)) [[unlikely]] {  // (as Cpu::switch_to's)
        trace_.emit_if(TraceFlag::Nic, clock_.now(), [size = bytes.size()] {
            return "link: frame of " + std::to_string(size) + " bytes arrives";
        });
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
