// SPDX-License-Identifier: MIT
// Capture generator: write synthetic Ethernet/IPv4/UDP captures for benchmarks.
// An edge-side tool: it writes files that the replay (and tcpdump) read.
//
// Benchmarks need large inputs of a known shape -- a million 64-byte frames,
// or a million frames of mixed sizes -- made the same way every time. This
// writes them as nanosecond pcap files through libpcap's own writer, with
// valid checksums and evenly spaced timestamps.
//
// Chapter: chapters/03-nic.rst.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "twinos/machine/ticks.h"

namespace twinos::edge {

/// The benchmarks' "mixed" traffic: minimum-size to full frames, cycled.
inline const std::vector<std::uint32_t> kMixedFrameSizes = {64, 128, 256, 512, 1024, 1514};

/// What to generate.
struct GeneratedCapture {
    std::uint64_t frames = 1'000'000;                    ///< How many frames.
    std::vector<std::uint32_t> frame_sizes = {64};       ///< Frame sizes, cycled (46..1514 bytes).
    machine::Ticks spacing = machine::microseconds(10);  ///< Time between frames.
};

/// Write `what` to the pcap file `path`. @throws std::runtime_error naming
/// the file when it cannot be written or a size is out of range.
void write_generated_capture(const std::string& path, const GeneratedCapture& what);

}  // namespace twinos::edge
