// SPDX-License-Identifier: MIT
// The sec. 4.4 formula and the load-curve summary.
// LAB 7 STARTER -- this file stands in for src/twinos/eval/throughput_model.cpp
// when the build is configured with -DTWINOS_LAB=lab07.
//
// You implement: `throughput_mbps(steps, mtu)`,
// `summarize_load_curve(curve)` and `knee_mbps(model, copy_bytes)`.
// Provided (do not change): throughput_model.h (StepTimes, LoadPoint,
// LoadSummary, kOneInterruptPerPacket), throughput_steps.cpp (the cost
// model's steps and the prediction, which calls your formula).
//
// Paper: §4.4. Chapter: chapters/07-evaluation.rst.
// Lab: labs/lab07-evaluation/README.rst.
#include "twinos/eval/throughput_model.h"

#include <algorithm>

namespace twinos::eval {

// LAB 7 — your code here.
//
// The paper's formula: one MTU per pass through the receive path.
//   The time per packet is A + B + C + copy, in ns (which step does the
//   paper leave out, and why? see the chapter). The rate is mtu bytes per
//   that time, in Mbit/s (10^6 bit/s; 8 bits per byte).
//   Return: the rate; 0 when the steps take no time at all.
double throughput_mbps(const StepTimes& s, std::uint32_t mtu) {
    (void)s;
    (void)mtu;
    return 0;
}

// LAB 7 — your code here.
//
// Read a load curve (its points in any order) into the five figures of
// LoadSummary -- see their meanings in throughput_model.h:
//   - saturation: the highest delivered rate at any point;
//   - lossless up to: the highest offered load such that it and every lower
//     load lost nothing (a point after the first loss that happens to lose
//     nothing does not count); first loss at: the lowest offered load that
//     lost a frame; both 0 when there is no such load;
//   - one interrupt per packet up to: the highest offered load such that it
//     and every lower load had at most kOneInterruptPerPacket packets per
//     interrupt;
//   - delivered at the highest offered load.
//   Return: all zeros for an empty curve.
LoadSummary summarize_load_curve(const std::vector<LoadPoint>& curve) {
    (void)curve;
    return {};
}

// LAB 7 — your code here.
//
// Your prediction of the knee: the highest offered load at which every
// packet still gets an interrupt of its own, for any cost model. Work out
// what the simulated machine does with one packet, step by step, when the
// card's interrupt finds the preceding OS running and when it finds the
// co-existing OS running (chapter 4, "What each step costs"; chapter 7, "The
// effect the paper left out"). `model_steps(model, copy_bytes)` gives you the
// steps. Return: Mbit/s of MTU-sized packets; 0 when the path takes no time.
double knee_mbps(const machine::CostModel& model, std::uint64_t copy_bytes) {
    (void)model;
    (void)copy_bytes;
    return 0;
}

}  // namespace twinos::eval
