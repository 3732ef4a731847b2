// SPDX-License-Identifier: MIT
// `twinos eval`: reproduce the paper's evaluation on the simulation and on this host.
//
// Table 1 (the cost model beside our own code's host time), Fig. 7 (copy
// time by length, beside memcpy), the sec. 4.4 throughput from both, and the
// load experiment (offered vs delivered, simulated). CSV and JSON go into
// one directory; the terminal gets a summary. `--cost NAME=DURATION` changes
// the cost model for this run (lab 7).
//
// Chapter: chapters/07-evaluation.rst.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "twinos/eval/evaluation.h"

namespace CLI {
class App;
}

namespace twinos::cli {

/// The options of `twinos eval`, as typed. The numbers go straight into
/// the evaluation's own options, so their defaults live in one place.
struct EvalCommandOptions {
    std::string out_dir = "eval-results";  ///< `--out DIR`
    std::vector<std::string> only;         ///< `--only table1,fig7,load` (empty: all)
    std::vector<std::string> costs;        ///< `--cost NAME=DURATION`, repeatable
    std::string loads;                     ///< `--loads 100,200,...` (Mbit/s)
    /// `--packets`, `--copy-samples`, `--frames-per-point`, `--copy-bytes`.
    eval::EvalOptions measure;
};

/// Add the `eval` subcommand to `app`.
void add_eval_command(CLI::App& app, EvalCommandOptions& options);

/// Run `twinos eval` with `options`, writing to `out` and `err`.
/// @return 0 on success, 2 on a bad option, 1 when the files cannot be written.
int run_eval(const EvalCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace twinos::cli
