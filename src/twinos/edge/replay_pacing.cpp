// SPDX-License-Identifier: MIT
// Replay pacing: arrival to arrival, and waiting out a held wire.
#include "twinos/edge/replay_pacing.h"

#include <cmath>
#include <stdexcept>

namespace twinos::edge {

using namespace twinos::machine;

// [twinos:advance-replay]
void wait_out_held_wire(os::TwinOs& twin) {
    const Link& link = twin.machine().link();
    const Ticks now = twin.machine().clock().now();
    // Held: the frame waits for the driver to give a UPD back, which the
    // machine's own events bring; run on a little and look again.
    if (now - link.held_since() > kMaxHold) {
        throw ReplayError("the wire was held for " +
                          std::to_string((now - link.held_since()).count() / 1'000'000) +
                          " ms: the co-existing OS stopped taking frames");
    }
    twin.run_until(now + microseconds(100));
}
// [/twinos:advance-replay]

ReplayPace parse_pace(const std::string& text) {
    if (text == "hold") return ReplayPace::Hold;
    if (text == "recorded") return ReplayPace::Recorded;
    throw std::invalid_argument("--pace: '" + text + "' is not hold or recorded");
}

double parse_speed(const std::string& text) {
    if (text == "max") return kReplaySpeedMax;
    std::size_t used = 0;
    double speed = 0;
    try {
        speed = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || !std::isfinite(speed) || speed <= 0) {
        throw std::invalid_argument("--speed: '" + text + "' is not a positive number or max");
    }
    return speed;
}

}  // namespace twinos::edge
static_assert(twinos::machine::ReplayPace{} == twinos::machine::ReplayPace::Hold,
              "ReplayPacing holds by default");
