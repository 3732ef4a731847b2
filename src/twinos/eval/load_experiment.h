// SPDX-License-Identifier: MIT
// The load experiment: the built-in scenario at increasing offered load.
//
// Sec. 4.4's formula assumes one packet, one interrupt, one switch, and
// leaves out what happens when packets come faster: NIC interrupts that
// arrive while the co-existing OS runs cost a switch of their own, and
// back-to-back arrivals pile up in the 32 receive buffers until the card
// overruns. Here the server sends MTU-sized frames back to back on a wire
// made as fast as the offered load asks, and we count what the client on
// the co-existing OS received. Everything is simulated time: the same
// options give the same curve on any host.
//
// Paper: sec. 4.4. Chapter: chapters/07-evaluation.rst.
#pragma once

#include <cstdint>
#include <vector>

#include "twinos/eval/throughput_model.h"
#include "twinos/machine/cost_model.h"

namespace twinos::eval {

/// 100, 200, ... 4000 Mbit/s: through the paper's 879, the batching knee
/// and the point where the receive ring overflows.
std::vector<double> default_offered_loads();

/// How to run the load experiment.
struct LoadOptions {
    /// Offered loads (MTU Mbit/s), one point each.
    std::vector<double> offered_mbps = default_offered_loads();
    std::uint32_t frames_per_point = 10000;  ///< Frames the client asks for per point.
    std::uint32_t copy_bytes = 53;           ///< The monitor's slice (0: no monitor, no copy).
    bool pseudo_nic = true;                  ///< false: the original configuration.
    machine::CostModel costs;                ///< The cost model (default: the paper's).
};

/// The frame the load experiment sends: a full Ethernet frame, MTU payload.
inline constexpr std::uint32_t kLoadFrameBytes = kMtu + 14;

/// One point: `offered_mbps` of MTU-sized frames. The wire is set to the
/// speed that carries exactly that many frames per second.
LoadPoint run_load_point(double offered_mbps, const LoadOptions& options);

/// Every point of `options.offered_mbps`, in order.
std::vector<LoadPoint> run_load_curve(const LoadOptions& options);

}  // namespace twinos::eval
