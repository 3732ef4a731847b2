// SPDX-License-Identifier: MIT
// `twinos run`: run the twin machine on traffic -- a replayed capture or the
// paper's built-in scenario -- and report what arrived.
//
// tcpdump's conventions where they apply: `-r FILE` replays a capture, `-c
// COUNT` stops after COUNT frames. In this chapter only the "original"
// configuration exists (`--original`: the co-existing OS owns the NIC, no
// pseudo NIC, no monitor) -- the baseline column of the paper's Table 1.
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

/// The options of `twinos run`, as typed.
struct RunOptions {
    bool original = false;           ///< `--original`: no pseudo NIC, no monitor.
    std::string read_file;           ///< `-r FILE`: replay this capture.
    std::int64_t count = -1;         ///< `-c COUNT`: frames to replay or request.
    std::string sizes;               ///< `--sizes`: scenario frame sizes, e.g. 53,1514.
    std::uint32_t rx_buffer = 1536;  ///< `--rx-buffer`: the driver's buffer size.
    std::string memory = "256M";     ///< `--memory`.
    std::string trace;               ///< `--trace`.
};

/// Add the `run` subcommand to `app`.
void add_run_command(CLI::App& app, RunOptions& options);

/// Run `twinos run`. @return 0 done, 1 runtime error, 2 usage or input error.
int run_run(const RunOptions& options, std::ostream& out, std::ostream& err);

}  // namespace twinos::cli
