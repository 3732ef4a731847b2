// SPDX-License-Identifier: MIT
// The Fig. 7 measurement: how long one copy into the log area takes, by length.
//
// The paper timed each copy with `rdtsc` on a Pentium 4 and plotted min,
// mean and max for 53 to 1536 bytes. We time each `LogRing::append` with the
// host's steady clock -- the record header, the wrap check and the bytes --
// beside a bare `memcpy` of the same length into the same kind of memory, and
// subtract the clock's own cost (measured first, reported alongside).
// Host time, this machine: never fed back into the simulation.
//
// Paper: Fig. 7. Chapter: chapters/07-evaluation.rst.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace twinos::eval {

/// Min / mean / max of many samples, in nanoseconds, and -- where the
/// samples were kept -- the median and the 99th percentile. On a shared
/// host one preemption moves the mean and the max by orders of magnitude;
/// the median and p99 say what a copy costs.
struct Spread {
    double min_ns = 0;                ///< Shortest.
    double mean_ns = 0;               ///< Mean.
    double max_ns = 0;                ///< Longest.
    std::optional<double> median_ns;  ///< Half the samples took at most this.
    std::optional<double> p99_ns;     ///< 99% of the samples took at most this.
};

/// One length of Fig. 7.
struct CopyRow {
    std::uint32_t length = 0;  ///< Bytes copied.
    Spread ring;               ///< `LogRing::append` of that many bytes.
    Spread memcpy;             ///< A bare memcpy of the same length.
};

/// The paper's lengths: 53 (headers only) up to 1536 (a whole UPD buffer).
std::vector<std::uint32_t> fig7_lengths();

/// What the clock costs per reading pair (subtracted from every sample).
double clock_overhead_ns();

/// Time `samples` copies of each length in `lengths`, each sample less
/// `overhead_ns` (see `clock_overhead_ns`). The reader drains the ring
/// between samples (untimed), as the monitor AP keeps up in the paper.
std::vector<CopyRow> copy_sweep(const std::vector<std::uint32_t>& lengths, std::uint32_t samples,
                                double overhead_ns);

}  // namespace twinos::eval
