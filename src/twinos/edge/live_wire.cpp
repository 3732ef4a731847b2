// SPDX-License-Identifier: MIT
// LiveWire: the real-time loop -- run to now, take what the host sent, sleep.
#include "twinos/edge/live_wire.h"

#include <poll.h>
#include <time.h>

#include <algorithm>

namespace twinos::edge {

using namespace twinos::machine;

namespace {
// How long the machine runs on after the end, so that what has arrived is
// answered and logged.
constexpr Ticks kDrain = milliseconds(1);
// The longest single sleep: a stop request is seen at least this often.
constexpr Ticks kLongestSleep = milliseconds(100);
// How far ahead of the host's clock the wire may be booked: a host sending
// faster than the link carries is left waiting in its own queue (where its
// kernel counts what it drops), not in ours without bound.
constexpr Ticks kMostBooked = milliseconds(10);

std::int64_t clock_ns(clockid_t id) {
    timespec ts{};
    clock_gettime(id, &ts);
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}
}  // namespace

std::int64_t host_monotonic_ns() { return clock_ns(CLOCK_MONOTONIC); }
std::int64_t host_realtime_ns() { return clock_ns(CLOCK_REALTIME); }

LiveWire::LiveWire(TapDevice& tap, os::TwinOs& twin)
    : tap_(tap), twin_(twin), buffer_(65536) {  // room to see a frame too long for the wire
    twin_.machine().link().add_sink(*this);
}

Ticks LiveWire::host_now() const { return start_ + Ticks{host_monotonic_ns() - host_start_ns_}; }

bool LiveWire::booked_ahead() const { return last_arrival_ - host_now() > kMostBooked; }

// [twinos:live-run]
void LiveWire::run(const LiveLimits& limits) {
    Machine& m = twin_.machine();
    // Simulated time start_ is the host's now; wall-clock stamps follow the host's.
    start_ = m.clock().now();
    host_start_ns_ = host_monotonic_ns();
    m.link().set_wall_clock(host_realtime_ns(), start_);
    last_arrival_ = start_;
    const std::optional<std::uint64_t> host_dropped_before = tap_.host_tx_dropped();
    const Ticks end = limits.duration > Ticks{0} ? start_ + limits.duration : Ticks::max();
    // Once the run ends nothing more is taken from the host, and the machine
    // runs on until every frame taken has arrived and a little after.
    Ticks drain_until = Ticks::max();
    auto finish = [&] {
        if (drain_until == Ticks::max()) drain_until = std::max(host_now(), last_arrival_) + kDrain;
    };
    for (;;) {
        // The machine catches up with the host's clock, and goes no further.
        const Ticks target = std::min(host_now(), drain_until);
        if (target > m.clock().now()) twin_.run_until(target);
        stats_.max_lag = std::max(stats_.max_lag, host_now() - target);
        if (target >= drain_until) break;
        if (target >= end) finish();
        // What the host sent meanwhile arrives on the wire now.
        if (drain_until == Ticks::max() && !broken_ && !read_waiting(limits.count)) finish();
        if ((limits.stop && limits.stop()) || (limits.done && limits.done()) || broken_) finish();
        // Sleep until a frame waits (unless ending) or the next event is due.
        const bool draining = drain_until != Ticks::max();
        wait_for(std::min({m.clock().next_due(), draining ? drain_until : end}), !draining);
    }
    stats_.ran = m.clock().now() - start_;
    count_what_is_left();
    const std::optional<std::uint64_t> host_dropped_after = tap_.host_tx_dropped();
    if (host_dropped_before && host_dropped_after) {
        stats_.host_dropped = static_cast<std::int64_t>(*host_dropped_after - *host_dropped_before);
    }
}
// [/twinos:live-run]

bool LiveWire::read_waiting(std::int64_t count) {
    Link& link = twin_.machine().link();
    while (count < 0 || stats_.frames_in + stats_.oversized < static_cast<std::uint64_t>(count)) {
        if (booked_ahead()) {
            ++stats_.backlogged;
            return true;
        }
        std::optional<std::size_t> n;
        try {
            n = tap_.read(buffer_);
        } catch (const TapError& e) {
            stats_.error = e.what();
            broken_ = true;
            return true;
        }
        if (!n) return true;
        if (*n > TapDevice::kMaxFrameBytes) {
            ++stats_.oversized;  // the host's MTU is larger than Ethernet's
            continue;
        }
        // Arrives now, but never closer to the last frame than the wire allows.
        const Ticks at = std::max(host_now(), last_arrival_ + link.wire_time(*n));
        last_arrival_ = at;
        WireFrame frame;
        frame.bytes.assign(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(*n));
        frame.original_length = static_cast<std::uint32_t>(*n);
        link.inject(at, std::move(frame));
        ++stats_.frames_in;
        stats_.bytes_in += *n;
    }
    return false;
}

void LiveWire::count_what_is_left() {
    // What the host sent that the run never took: read it off the TAP and
    // count it, until nothing more comes for 20 ms (at most half a second).
    if (broken_) return;
    const std::int64_t give_up = host_monotonic_ns() + 500'000'000;
    while (host_monotonic_ns() < give_up) {
        try {
            while (tap_.read(buffer_)) ++stats_.left_in_host_queue;
        } catch (const TapError&) {
            return;  // gone now: the run's own account stands
        }
        pollfd p{tap_.fd(), POLLIN, 0};
        if (::poll(&p, 1, 20) <= 0 || !(p.revents & POLLIN)) return;
    }
}

void LiveWire::wait_for(Ticks next, bool watch_tap) {
    // While the wire is booked ahead, what waits on the TAP must wait more:
    // sleep until the booking runs down, not on the descriptor.
    const bool booked = booked_ahead();
    if (booked) next = std::min(next, last_arrival_ - kMostBooked);
    watch_tap = watch_tap && !booked && !broken_;
    const Ticks wait = std::min(next - host_now(), kLongestSleep);
    if (wait <= Ticks{0}) return;
    timespec ts{static_cast<time_t>(wait.count() / 1'000'000'000),
                static_cast<long>(wait.count() % 1'000'000'000)};
    pollfd p{tap_.fd(), POLLIN, 0};
    // A signal (Ctrl-C) ends the sleep early; the loop then sees the stop.
    const int ready = ::ppoll(&p, watch_tap ? 1 : 0, &ts, nullptr);
    if (ready > 0 && (p.revents & (POLLERR | POLLHUP | POLLNVAL)) && !(p.revents & POLLIN)) {
        stats_.error =
            "TAP device '" + tap_.name() + "' reports an error or hang-up (the device is gone)";
        broken_ = true;
    }
}

void LiveWire::on_transmit(Ticks, std::span<const std::byte> frame) {
    if (broken_) {
        ++stats_.dropped_out;  // nowhere to go
        return;
    }
    try {
        if (!tap_.write(frame)) {
            ++stats_.dropped_out;
            return;
        }
    } catch (const TapError& e) {
        stats_.error = e.what();
        broken_ = true;
        ++stats_.dropped_out;
        return;
    }
    ++stats_.frames_out;
    stats_.bytes_out += frame.size();
}

}  // namespace twinos::edge
