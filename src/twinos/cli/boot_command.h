// SPDX-License-Identifier: MIT
// `twinos boot`: boot the twin machine and show it.
//
// The first command a student runs (chapter 1). It builds the machine from
// the command line, boots both kernels, runs for a short while and prints
// four things: the partition map, who owns which device, each OS's console,
// and a tick-stamped trace of the time sharing, then the halt summary.
//
// Chapter: chapters/01-introduction.rst.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "twinos/machine/machine_config.h"

namespace CLI {
class App;
}

namespace twinos::cli {

/// The options of `twinos boot`, as typed.
struct BootOptions {
    std::string memory = "256M";       ///< `--memory`
    std::string coexisting;            ///< `--coexisting BASE:SIZE` (default: low half)
    std::string preceding;             ///< `--preceding BASE:SIZE` (default: high half)
    std::string quantum = "10ms";      ///< `--quantum`
    std::string run_for = "35ms";      ///< `--run-for`
    std::string trace = "boot,sched";  ///< `--trace`
};

/// Add the `boot` subcommand to `app`; its result goes to `exit_code`.
void add_boot_command(CLI::App& app, BootOptions& options);

/// Run `twinos boot` with `options`, writing to `out` and `err`.
/// @return 0 on success, 2 on a bad option or configuration.
int run_boot(const BootOptions& options, std::ostream& out, std::ostream& err);

/// Turn the options into a machine configuration.
/// @throws std::invalid_argument naming the option that is wrong.
twinos::machine::MachineConfig boot_config(const BootOptions& options);

}  // namespace twinos::cli
