// SPDX-License-Identifier: MIT
// Replay pacing: running the machine from one replayed frame to the next.
// An edge adapter: it decides only when the outside world's frames arrive.
//
// `twinos run -r` replays a capture in one of three ways (chapter 3):
//   - by default at the recorded times, but the wire holds the next frame
//     while the card cannot take it (802.3x PAUSE), so every frame reaches
//     the co-existing OS and the summary says how often and how long;
//   - `--pace recorded`: at the recorded times, and the card drops what it
//     cannot take, counted by cause;
//   - `--speed X` divides the capture's gaps by X; `--speed max` sends back
//     to back at the link's rate (`--link-speed`).
// The output keeps each frame's own capture timestamp in every mode.
//
// Chapter: chapters/03-nic.rst.
#pragma once

#include <string>

#include "twinos/edge/pcap_replay.h"
#include "twinos/twin_os.h"

namespace twinos::edge {

/// Hold the wire, or keep the recorded times (the link's choice, chapter 3).
using ReplayPace = machine::ReplayPace;

/// How a replay is paced (`Link::set_replay_pace`).
struct ReplayPacing {
    /// Hold the wire (the default), or keep the recorded times.
    ReplayPace pace{};
    double speed = 1.0;  ///< Gaps divided by this; `kReplaySpeedMax`: back to back.
};

/// The longest the wire may be held with nothing taken before the replay
/// gives up: the co-existing OS has stopped taking frames.
inline constexpr machine::Ticks kMaxHold = machine::milliseconds(10'000);

/// While the wire is held: run `twin` a little further (the driver's next
/// interrupt frees a UPD). @throws ReplayError when the wire has been held
/// longer than `kMaxHold`.
void wait_out_held_wire(os::TwinOs& twin);

/// Run `twin` until the next replayed frame has arrived, or -- while the
/// wire is held -- a little further. @pre the link is playing.
/// @throws ReplayError when the wire has been held longer than `kMaxHold`.
inline void advance_replay(os::TwinOs& twin) {
    machine::Link& link = twin.machine().link();
    if (link.held()) {
        wait_out_held_wire(twin);
    } else {
        twin.run_until(link.next_arrival());
    }
}

/// `--pace`: "hold" or "recorded". @throws std::invalid_argument naming it.
ReplayPace parse_pace(const std::string& text);
/// `--speed`: a positive number or "max" (kReplaySpeedMax).
/// @throws std::invalid_argument naming it.
double parse_speed(const std::string& text);

}  // namespace twinos::edge
