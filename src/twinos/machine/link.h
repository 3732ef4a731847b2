// SPDX-License-Identifier: MIT
// Link: the Ethernet wire between the NIC and the outside world.
// Part of the simulated machine; OS code and labs never edit this.
//
// The outside world -- a replayed capture, the paper's server host -- is not
// part of the machine. It reaches the machine only through the link, as
// frames that *arrive at a time*. The link turns them into events on the
// machine's clock and hands each to the NIC when its time comes; frames the
// NIC transmits go out to every attached sink.
//
// Replay is pulled, one frame ahead: the link asks its `FrameSource` for the
// next frame only when the previous one has arrived, so a million-frame
// capture needs memory for one frame, not a million.
//
// Interface:
//   - `attach_nic(endpoint)`, `add_sink(sink)`;
//   - `play(source, start)`: frames arrive at start + (their time - the
//     first's), scaled by the replay's speed, or back to back at line rate;
//   - `set_replay_pace(pace, speed)`: keep the recorded times come what may
//     (the default), or hold the wire while the NIC asks for a pause (802.3x,
//     what `twinos run -r` chooses);
//   - `inject(at, frame)`: one frame from a reactive host (the scenario
//     server, or a real one behind a TAP device: see edge/live_wire.h);
//   - `transmit(bytes)`: the NIC sends; `wire_time(bytes)`: 100 Mbit/s timing.
// Invariant: arrivals never go back in time; a source timestamp earlier than
// the previous one arrives together with it and is counted as non-monotonic.
//
// Chapter: chapters/03-nic.rst.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "twinos/machine/ticks.h"

namespace twinos::machine {

class EventQueue;
class Trace;

/// One frame as it travels on the wire: the bytes, without FCS or padding.
struct WireFrame {
    std::vector<std::byte> bytes;       ///< What is on the wire (a capture's captured bytes).
    std::uint32_t original_length = 0;  ///< Its length where it was captured (>= bytes.size()).
};

/// Where replayed frames come from (an edge adapter: pcap file, generator).
class FrameSource {
public:
    virtual ~FrameSource() = default;
    /// Fill `frame` with the next frame and `timestamp_ns` with its time.
    /// @return false when there are no more frames (at the end, or on an
    ///         error the source reports itself).
    virtual bool next(std::int64_t& timestamp_ns, WireFrame& frame) = 0;
};

/// Something outside that sees every frame the NIC transmits.
class FrameSink {
public:
    virtual ~FrameSink() = default;
    /// `frame` left the NIC at time `at`.
    virtual void on_transmit(Ticks at, std::span<const std::byte> frame) = 0;
};

/// The NIC's side of the link.
class LinkEndpoint {
public:
    virtual ~LinkEndpoint() = default;
    /// True while the NIC could not take a frame straight into host memory
    /// (802.3x flow control: it would send PAUSE). A held replay waits for
    /// `Link::resume`.
    virtual bool needs_pause() const { return false; }
    /// A frame has fully arrived from the wire, at wall-clock time
    /// `wire_time_ns` (ns since the epoch; see `Link::wall_time`).
    /// `original_length` is the frame's length where it was captured, for a
    /// replayed record that was cut short (else the frame's own length).
    virtual void receive_from_wire(std::span<const std::byte> frame, std::int64_t wire_time_ns,
                                   std::uint32_t original_length) = 0;
    /// A frame on a held wire (`ReplayPace::Hold`): received as by
    /// `receive_from_wire`, unless the NIC `needs_pause`; then it stays on
    /// the wire and the answer is false. This is the whole of it; a NIC may
    /// do the same in one call of its own (the 3c905's does: chapter 7).
    virtual bool offer_from_wire(std::span<const std::byte> frame, std::int64_t wire_time_ns,
                                 std::uint32_t original_length) {
        if (needs_pause()) return false;
        receive_from_wire(frame, wire_time_ns, original_length);
        return true;
    }
};

/// What the link has carried.
struct LinkCounters {
    std::uint64_t to_nic = 0;          ///< Frames delivered to the NIC.
    std::uint64_t to_nic_bytes = 0;    ///< Their bytes.
    std::uint64_t from_nic = 0;        ///< Frames the NIC transmitted.
    std::uint64_t from_nic_bytes = 0;  ///< Their bytes.
    std::uint64_t truncated = 0;       ///< Frames whose captured length < original length.
    std::uint64_t non_monotonic = 0;   ///< Source timestamps earlier than the previous one.
    std::uint64_t holds = 0;           ///< Times a replay's frame waited for the NIC (PAUSE).
    Ticks held = Ticks{0};             ///< How long the wire was held in all.
};

/// How a replay meets a NIC that cannot take a frame.
enum class ReplayPace : std::uint8_t {
    Hold,      ///< The wire waits (802.3x PAUSE): every frame reaches the NIC.
    Recorded,  ///< Recorded times whatever happens: the NIC drops what it cannot take.
};

/// A replay's speed: `Max` sends back to back at the link's rate.
inline constexpr double kReplaySpeedMax = 0.0;

/// A 100 Mbit/s Ethernet link with one NIC on the machine's side.
class Link {
public:
    /// The paper's link speed (sec. 4: 100 Mbit/s).
    static constexpr std::uint64_t kDefaultBitsPerSecond = 100'000'000;

    /// A link on `clock`, tracing arrivals under `nic`.
    Link(EventQueue& clock, Trace& trace, std::uint64_t bits_per_second = kDefaultBitsPerSecond)
        : clock_(clock), trace_(trace), bits_per_second_(bits_per_second) {}

    // Link — public interface

    /// Connect the machine's NIC.
    void attach_nic(LinkEndpoint& nic) { nic_ = &nic; }
    /// Add a sink for transmitted frames.
    void add_sink(FrameSink& sink) { sinks_.push_back(&sink); }

    /// Replay `source`: its first frame arrives at `start`, every later one
    /// at `start` plus its distance from the first.
    void play(FrameSource& source, Ticks start);
    /// How the next replay is paced (default: recorded times, speed 1):
    /// `pace`, and its gaps divided by `speed`
    /// (2: twice as fast; `kReplaySpeedMax`: back to back, never closer than
    /// each frame's own wire time). @pre speed >= 0.
    void set_replay_pace(ReplayPace pace, double speed) {
        pace_ = pace;
        speed_ = speed;
    }
    /// True while a replay has frames still to arrive.
    bool playing() const { return source_ != nullptr; }
    /// True while a replayed frame waits for the NIC to take it.
    bool held() const { return held_; }
    /// Since when the wire is held (valid while `held()`).
    Ticks held_since() const { return held_since_; }
    /// The NIC can take frames again: a held frame arrives now.
    void resume();
    /// When the next replayed frame arrives (valid while `playing()`).
    Ticks next_arrival() const { return pending_at_; }

    /// One frame from a host on the wire, arriving at `at`.
    void inject(Ticks at, WireFrame frame);

    /// The NIC puts `frame` on the wire now.
    void transmit(std::span<const std::byte> frame);

    /// The bytes `frame_bytes` occupy on the wire: 8 of preamble, the frame
    /// padded to 60 bytes, 4 of FCS and a 12-byte inter-frame gap.
    static constexpr std::uint64_t wire_bytes(std::size_t frame_bytes) {
        return 8 + std::max<std::size_t>(frame_bytes, 60) + 4 + 12;
    }
    /// How long `frame_bytes` take on the wire (`wire_bytes`) at the link's speed.
    Ticks wire_time(std::size_t frame_bytes) const;

    /// The source time of the first replayed frame, in ns since the epoch:
    /// simulated time `start` corresponds to it.
    std::int64_t epoch_ns() const { return epoch_ns_; }

    /// Wall-clock time (ns since the Unix epoch) of simulated time `t`. In a
    /// replay the wire keeps the capture's own clock; otherwise simulated
    /// time 0 is 2006-05-01 00:00:00 UTC, the month the paper appeared.
    std::int64_t wall_time(Ticks t) const {
        return have_epoch_ ? epoch_ns_ + (t - start_).count() : kDefaultEpochNs + t.count();
    }
    /// On a live wire (chapter 3): simulated time `at` is wall-clock time
    /// `epoch_ns`, and the clocks run together from there.
    void set_wall_clock(std::int64_t epoch_ns, Ticks at) {
        epoch_ns_ = epoch_ns;
        start_ = at;
        have_epoch_ = true;
    }
    /// 2006-05-01 00:00:00 UTC in ns.
    static constexpr std::int64_t kDefaultEpochNs = 1'146'441'600ll * 1'000'000'000;
    /// What has been carried.
    const LinkCounters& counters() const { return counters_; }

private:
    // Link — state
    // The replay's steps, inline into arrive_pending (all in link.cpp): a
    // frame's arrival is one call (chapter 7).
    [[gnu::always_inline]] inline void schedule_pending();
    void arrive_pending();
    [[gnu::always_inline]] inline Ticks replay_time(std::int64_t timestamp_ns,
                                                    std::size_t bytes) const;
    // A recorded gap at a replay speed other than 1 (`--speed`).
    [[gnu::noinline]] Ticks scaled_gap(std::int64_t gap) const;
    [[gnu::always_inline]] inline void deliver(std::span<const std::byte> bytes,
                                               std::uint32_t original_length,
                                               std::int64_t wire_time_ns);
    // The pending frame on a held wire: true when the NIC took it.
    [[gnu::always_inline]] inline bool offer_pending();
    [[gnu::always_inline]] inline void count_arrival(std::size_t bytes,
                                                     std::uint32_t original_length);

    EventQueue& clock_;
    Trace& trace_;
    std::uint64_t bits_per_second_;
    LinkEndpoint* nic_ = nullptr;
    std::vector<FrameSink*> sinks_;
    FrameSource* source_ = nullptr;
    WireFrame pending_;                  // the one frame pulled ahead from the source
    std::int64_t pending_time_ns_ = 0;   // its own timestamp
    std::int64_t previous_time_ns_ = 0;  // the timestamp of the frame before it
    Ticks pending_at_{0};
    Ticks start_{0};
    std::int64_t epoch_ns_ = 0;
    bool have_epoch_ = false;
    Ticks last_arrival_{0};
    ReplayPace pace_ = ReplayPace::Recorded;  // `twinos run -r` holds by default
    double speed_ = 1.0;
    bool held_ = false;
    Ticks held_since_{0};
    LinkCounters counters_;
};

}  // namespace twinos::machine
