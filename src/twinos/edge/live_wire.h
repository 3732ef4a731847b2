// SPDX-License-Identifier: MIT
// LiveWire: the simulated wire joined to a host TAP device, in real time.
// An edge adapter: it decides when the outside world's frames arrive, and
// carries the card's frames out.
//
// Replays and the built-in scenario run on simulated time alone: the
// machine jumps from event to event as fast as the host can simulate them.
// A real peer cannot wait for that, nor be hurried. So on a live wire the
// simulated clock follows the host's monotonic clock:
//   - the machine runs up to "now" and never past it;
//   - a frame the host sends (read from the TAP) arrives on the wire at the
//     host's receive time, no closer to the previous one than the link's
//     speed allows, and its wall-clock time is the host's; a host sending
//     faster than the link waits in its own queue, and what its kernel drops
//     there is read from its counters and reported;
//   - every frame the card transmits is written to the TAP as it leaves;
//   - between steps the process sleeps in poll(2) until a frame waits on the
//     TAP or the machine's next event is due, whichever is first -- never
//     spinning. When the machine falls behind the host's clock it runs as
//     fast as it can, and the largest lag is reported.
// A run ends after `duration`, after `count` frames from the host, when
// `done` says so or when `stop` asks. Then nothing more is taken from the
// host; the machine runs on until every frame taken has arrived, and one
// millisecond more to answer it. The deterministic modes use none of this.
//
// Chapter: chapters/03-nic.rst.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "twinos/edge/tap_device.h"
#include "twinos/twin_os.h"

namespace twinos::edge {

/// When a live run ends.
struct LiveLimits {
    machine::Ticks duration{0};  ///< Real time to run; zero: no limit.
    std::int64_t count = -1;     ///< Frames from the host to take; -1: no limit.
    /// True when the run has what it came for (a client got its replies).
    std::function<bool()> done;
    /// True when the user asked to stop (Ctrl-C).
    std::function<bool()> stop;
};

/// What crossed between the host and the simulated wire.
struct LiveStats {
    std::uint64_t frames_in = 0;    ///< Frames read from the TAP (all reached the wire).
    std::uint64_t bytes_in = 0;     ///< Their bytes.
    std::uint64_t oversized = 0;    ///< Frames longer than the wire carries, not delivered.
    std::uint64_t frames_out = 0;   ///< Frames the card sent, written to the TAP.
    std::uint64_t bytes_out = 0;    ///< Their bytes.
    std::uint64_t dropped_out = 0;  ///< Frames the host's queue refused.
    /// Times the host sent faster than the link carries and its frames were
    /// left in the host's queue for a while (see `host_dropped`).
    std::uint64_t backlogged = 0;
    /// Frames the host's kernel dropped on the way into the TAP during the
    /// run (its tx_dropped counter), or -1 when it cannot be read.
    std::int64_t host_dropped = -1;
    /// Frames still waiting on the TAP when the run ended: sent by the host,
    /// never taken (read and counted after the end, so none goes unseen).
    std::uint64_t left_in_host_queue = 0;
    machine::Ticks max_lag{0};         ///< The furthest the machine fell behind the host.
    machine::Ticks ran{0};             ///< How long the live run lasted (real = simulated).
    std::optional<std::string> error;  ///< Why the wire ended early (the device vanished).
};

/// A live wire between a TAP device and a twin machine's link.
class LiveWire : public machine::FrameSink {
public:
    /// Join `tap` to `twin`'s link: frames the card sends go to the TAP.
    LiveWire(TapDevice& tap, os::TwinOs& twin);

    /// Run `twin` in real time until a limit ends it. @pre booted.
    void run(const LiveLimits& limits);

    /// A frame left the card: write it to the TAP.
    void on_transmit(machine::Ticks at, std::span<const std::byte> frame) override;

    /// What crossed.
    const LiveStats& stats() const { return stats_; }
    /// The TAP device.
    const TapDevice& tap() const { return tap_; }

private:
    bool read_waiting(std::int64_t count);
    void count_what_is_left();
    void wait_for(machine::Ticks next, bool watch_tap);
    machine::Ticks host_now() const;
    // The wire is booked too far ahead of the host's clock to take more now.
    bool booked_ahead() const;

    TapDevice& tap_;
    os::TwinOs& twin_;
    std::int64_t host_start_ns_ = 0;  // the host's monotonic clock at simulated start_
    machine::Ticks start_{0};
    machine::Ticks last_arrival_{0};
    bool broken_ = false;  // the device is gone: nothing more crosses
    std::vector<std::byte> buffer_;
    LiveStats stats_;
};

/// The host's clocks, in ns: monotonic (for pacing) and real (for timestamps).
std::int64_t host_monotonic_ns();
/// See host_monotonic_ns.
std::int64_t host_realtime_ns();

}  // namespace twinos::edge
