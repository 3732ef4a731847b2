// SPDX-License-Identifier: MIT
// The paper's throughput formula (sec. 4.4) and the summary of a load curve.
// Lab 7 hands out throughput_model.cpp: the formula, the prediction from a
// cost model, and the summary of a measured load curve.
//
// The paper divides one MTU by the time the receive path spends on a packet,
// A + B + C + copy, and leaves (D) out: a packet that arrives before the
// return is taken by the pseudo NIC at once, so the return is not on the
// critical path. It also leaves out the switches that NIC interrupts cause
// when they arrive while the co-existing OS runs; the load experiment puts
// them back, and `summarize_load_curve` says what the machine really took.
//
// Paper: sec. 4.4. Chapter: chapters/07-evaluation.rst. Lab: labs/lab07-evaluation.
#pragma once

#include <cstdint>
#include <vector>

#include "twinos/machine/cost_model.h"

namespace twinos::eval {

/// The paper's MTU (sec. 4: Ethernet, 1500 bytes).
inline constexpr std::uint32_t kMtu = 1500;

// [eval:formula-contract]
/// Table 1's steps for one packet, in nanoseconds, plus one copy.
struct StepTimes {
    double a_ns = 0;     ///< (A) pseudo NIC processing.
    double b_ns = 0;     ///< (B) OS switch.
    double c_ns = 0;     ///< (C) the co-existing OS's driver (trapped I/O included).
    double copy_ns = 0;  ///< Copying the slice into the log area.
    double d_ns = 0;     ///< (D) the return to the interrupted OS.
};

/// Sec. 4.4: `mtu` bytes per (A + B + C + copy), in Mbit/s (10^6 bit/s).
/// @return 0 when the steps take no time (no meaningful rate).
double throughput_mbps(const StepTimes& steps, std::uint32_t mtu = kMtu);
// [/eval:formula-contract]

/// The steps a cost model charges for one packet with a `copy_bytes` slice.
StepTimes model_steps(const machine::CostModel& model, std::uint64_t copy_bytes);

/// The prediction: the formula applied to a cost model's steps.
double predicted_mbps(const machine::CostModel& model, std::uint64_t copy_bytes);

// [eval:knee-contract]
/// Your prediction of the load experiment's knee: the highest offered load
/// (Mbit/s of MTU-sized packets) at which the machine with `model`, copying
/// `copy_bytes` of each packet, still gives every packet an interrupt of its
/// own. Unlike the sec. 4.4 formula it must account for the whole path each
/// packet takes on the simulated machine, whichever OS its interrupt finds
/// running (chapters 4 and 7). 0 when the path takes no time.
double knee_mbps(const machine::CostModel& model, std::uint64_t copy_bytes);
// [/eval:knee-contract]

/// One point of the load experiment: what was offered, what got through.
struct LoadPoint {
    double offered_mbps = 0;            ///< Offered load, MTU-sized packets (Mbit/s).
    double delivered_mbps = 0;          ///< offered_mbps x delivered / offered.
    std::uint64_t offered = 0;          ///< Frames the server sent.
    std::uint64_t delivered = 0;        ///< Frames the client received and verified.
    std::uint64_t lost = 0;             ///< offered - delivered.
    std::uint64_t captured = 0;         ///< Frames the monitor logged.
    std::uint64_t interrupts = 0;       ///< Card interrupts the pseudo NIC took.
    std::uint64_t irq_switches = 0;     ///< Full OS switches (B) made for interrupts.
    std::uint64_t return_switches = 0;  ///< Returns (D) to the interrupted OS.
    /// Card interrupts that found the co-existing OS running: each costs a
    /// second full switch instead of a return (pseudo NIC only; chapter 4).
    std::uint64_t interrupts_while_coexisting = 0;
    double packets_per_interrupt = 0;  ///< delivered / interrupts.
};

// [eval:summary-contract]
/// What a load curve says.
struct LoadSummary {
    /// The highest delivered rate at any offered load (the saturation throughput).
    double saturation_mbps = 0;
    /// The highest offered load that lost nothing (0 when every point lost).
    double lossless_up_to_mbps = 0;
    /// The lowest offered load that lost a frame (0 when none lost).
    double first_loss_at_mbps = 0;
    /// The highest offered load up to which every packet still had an
    /// interrupt of its own (at most `kOneInterruptPerPacket` packets per
    /// interrupt at it and every lower load): the regime the sec. 4.4
    /// formula describes. 0 when even the lowest load batched.
    double one_interrupt_per_packet_up_to_mbps = 0;
    /// The delivered rate at the highest offered load (overload behaviour).
    double delivered_at_max_offered_mbps = 0;
};

/// Packets per interrupt still counted as "one each" (the request's own
/// transmit interrupt and an odd coincidence stay under it).
inline constexpr double kOneInterruptPerPacket = 1.01;

/// Summarise `curve` (points in any order). An empty curve gives all zeros.
LoadSummary summarize_load_curve(const std::vector<LoadPoint>& curve);
// [/eval:summary-contract]

}  // namespace twinos::eval
