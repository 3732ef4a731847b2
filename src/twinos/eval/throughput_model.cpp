// SPDX-License-Identifier: MIT
// The sec. 4.4 formula, the load-curve summary and the knee's prediction.
// Lab 7 hands this file out
// (labs/lab07-evaluation/starter/throughput_model.cpp is its starter twin);
// the cost model's steps and the prediction are in throughput_steps.cpp.
#include "twinos/eval/throughput_model.h"

#include <algorithm>

namespace twinos::eval {

double throughput_mbps(const StepTimes& s, std::uint32_t mtu) {
    // (D) is left out, as in the paper: the next packet does not wait for it.
    const double per_packet_ns = s.a_ns + s.b_ns + s.c_ns + s.copy_ns;
    if (per_packet_ns <= 0) return 0;
    // bits per ns is Gbit/s; times 1000 is Mbit/s.
    return static_cast<double>(mtu) * 8.0 / per_packet_ns * 1000.0;
}

double knee_mbps(const machine::CostModel& model, std::uint64_t copy_bytes) {
    // A packet's interrupt finds one of two OSes running, and time sharing
    // gives each half the time. Finding the preceding OS: the paper's A, B,
    // C, and the return D, which the CPU must finish before it takes the
    // next interrupt. Finding the co-existing OS: a full switch in for A and
    // a second one back for C, no return (chapter 4). The copy is part of A.
    // A queue that builds while one path is slower than the arrivals drains
    // while the other is faster, so the machine keeps every packet on its own
    // interrupt while the *mean* of the two fits between two arrivals.
    const StepTimes s = model_steps(model, copy_bytes);
    const double preceding_turn = s.a_ns + s.copy_ns + s.b_ns + s.c_ns + s.d_ns;
    const double coexisting_turn = s.b_ns + s.a_ns + s.copy_ns + s.b_ns + s.c_ns;
    const double per_packet_ns = (preceding_turn + coexisting_turn) / 2;
    if (per_packet_ns <= 0) return 0;
    return kMtu * 8.0 / per_packet_ns * 1000.0;
}

LoadSummary summarize_load_curve(const std::vector<LoadPoint>& curve) {
    LoadSummary s;
    if (curve.empty()) return s;
    std::vector<LoadPoint> points = curve;
    std::sort(points.begin(), points.end(), [](const LoadPoint& a, const LoadPoint& b) {
        return a.offered_mbps < b.offered_mbps;
    });
    bool batched = false;
    for (const LoadPoint& p : points) {
        s.saturation_mbps = std::max(s.saturation_mbps, p.delivered_mbps);
        batched = batched || p.packets_per_interrupt > kOneInterruptPerPacket;
        if (!batched) s.one_interrupt_per_packet_up_to_mbps = p.offered_mbps;
        if (p.lost == 0) {
            // Lossless only counts up to the first loss: a later point that
            // happens to lose nothing does not move the knee.
            if (s.first_loss_at_mbps == 0) s.lossless_up_to_mbps = p.offered_mbps;
        } else if (s.first_loss_at_mbps == 0) {
            s.first_loss_at_mbps = p.offered_mbps;
        }
    }
    s.delivered_at_max_offered_mbps = points.back().delivered_mbps;
    return s;
}

}  // namespace twinos::eval
