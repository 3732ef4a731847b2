// SPDX-License-Identifier: MIT
// HostTiming: how long a piece of our own code took in host time.
// Part of the simulated machine; OS code and labs never edit this.
//
// The machine's costs are simulated; chapter 7 also wants to know what our
// C++ costs on the host, per step of the paper's Table 1. A HostTiming
// accumulates wall-clock samples (min / mean / max). Host time is only ever
// recorded, never fed back into the simulation, so determinism is untouched.
//
// Chapter: chapters/07-evaluation.rst.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>

namespace twinos::machine {

/// Host-time samples of one step.
struct HostTiming {
    std::uint64_t samples = 0;                                       ///< How many.
    std::int64_t total_ns = 0;                                       ///< Their sum.
    std::int64_t min_ns = std::numeric_limits<std::int64_t>::max();  ///< The shortest.
    std::int64_t max_ns = 0;                                         ///< The longest.

    /// Add one sample.
    void add(std::int64_t ns) {
        ++samples;
        total_ns += ns;
        min_ns = std::min(min_ns, ns);
        max_ns = std::max(max_ns, ns);
    }
    /// The mean, or 0 without samples.
    double mean_ns() const { return samples ? double(total_ns) / double(samples) : 0.0; }
};

/// Times the scope it lives in into a HostTiming, when enabled (the
/// machine's `Trace::host_timing()`); otherwise it reads no clock at all.
class HostTimer {
public:
    /// Start timing into `into` if `enabled`.
    HostTimer(HostTiming& into, bool enabled) : into_(enabled ? &into : nullptr) {
        if (into_ != nullptr) start_ = std::chrono::steady_clock::now();
    }
    ~HostTimer() {
        if (into_ == nullptr) return;
        into_->add(std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::steady_clock::now() - start_)
                       .count());
    }
    HostTimer(const HostTimer&) = delete;
    HostTimer& operator=(const HostTimer&) = delete;

private:
    HostTiming* into_;
    std::chrono::steady_clock::time_point start_{};
};

}  // namespace twinos::machine
