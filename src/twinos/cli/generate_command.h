// SPDX-License-Identifier: MIT
// `twinos generate`: write a synthetic capture for benchmarks and labs.
//
// The evaluation compares `twinos run -r IN` with the tools a user would
// pick instead (editcap, tcpdump) on inputs everyone can make the same way:
// a million 64-byte UDP frames, or a million frames of mixed sizes. This
// subcommand writes them with the project's own generator.
//
// Chapter: chapters/03-nic.rst.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace CLI {
class App;
}

namespace twinos::cli {

/// The options of `twinos generate`, as typed.
struct GenerateOptions {
    std::string output;             ///< `-w FILE` (pcap)
    std::uint64_t count = 1000000;  ///< `-n COUNT`
    std::string sizes = "64";       ///< `--sizes 64,128,...` or `mixed`
    std::string spacing = "10us";   ///< `--spacing` between frames (simulated time)
};

/// Add the `generate` subcommand to `app`.
void add_generate_command(CLI::App& app, GenerateOptions& options);

/// Run `twinos generate` with `options`, writing to `out` and `err`.
/// @return 0 on success, 2 on a bad option, 1 when the file cannot be written.
int run_generate(const GenerateOptions& options, std::ostream& out, std::ostream& err);

}  // namespace twinos::cli
