// SPDX-License-Identifier: MIT
// Lab 7 cheat: an honest formula and knee, but a report whose one-interrupt
// knee is the highest load that did not batch, whatever the lower loads did.
// On a real curve the two agree; the report check's curve with a batched low
// load catches it, and the prediction check requires the report.
#include "twinos/eval/throughput_model.h"

#include <algorithm>

namespace twinos::eval {

double throughput_mbps(const StepTimes& s, std::uint32_t mtu) {
    const double ns = s.a_ns + s.b_ns + s.c_ns + s.copy_ns;
    return ns > 0 ? mtu * 8.0 / ns * 1000.0 : 0.0;
}

double knee_mbps(const machine::CostModel& m, std::uint64_t copy_bytes) {
    const StepTimes s = model_steps(m, copy_bytes);
    const double ns =
        (s.a_ns + s.b_ns + s.c_ns + s.copy_ns + s.d_ns + s.a_ns + 2 * s.b_ns + s.c_ns + s.copy_ns) /
        2;
    return ns > 0 ? kMtu * 8.0 / ns * 1000.0 : 0.0;
}

LoadSummary summarize_load_curve(const std::vector<LoadPoint>& curve) {
    LoadSummary s;
    std::vector<LoadPoint> by_load = curve;
    std::ranges::sort(by_load, {}, &LoadPoint::offered_mbps);
    bool lost = false;
    for (const LoadPoint& p : by_load) {
        s.saturation_mbps = std::max(s.saturation_mbps, p.delivered_mbps);
        if (p.packets_per_interrupt <= kOneInterruptPerPacket)
            s.one_interrupt_per_packet_up_to_mbps = p.offered_mbps;  // lower loads ignored
        if (p.lost != 0 && !lost) s.first_loss_at_mbps = p.offered_mbps;
        lost |= p.lost != 0;
        s.lossless_up_to_mbps = lost ? s.lossless_up_to_mbps : p.offered_mbps;
        s.delivered_at_max_offered_mbps = p.delivered_mbps;
    }
    return s;
}

}  // namespace twinos::eval
