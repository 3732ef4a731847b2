// SPDX-License-Identifier: MIT
// Writing `twinos eval`'s results: one CSV per table or figure, one JSON with
// everything, and a short summary for the terminal.
//
// Every figure says which clock it came from: columns are named `model_*`
// (the cost model, simulated time), `host_*` (measured on this machine) or
// `paper_*` (the paper's printed figure). The files are what chapter 7's
// plotting script reads; the docs build plots committed copies of them.
//
// Chapter: chapters/07-evaluation.rst.
#pragma once

#include <string>
#include <vector>

#include <filesystem>
#include <ostream>

#include "twinos/eval/evaluation.h"

namespace twinos::eval {

/// Write table1.csv, fig7.csv, throughput.csv, load.csv and eval.json into
/// `directory` (created if missing); parts not measured are left out.
/// @throws std::runtime_error naming the file that could not be written.
/// What write_eval_files did: the files written, and the tables an earlier
/// run left that this run did not measure (removed).
struct EvalFiles {
    std::vector<std::string> written;  ///< File names, in `directory`.
    std::vector<std::string> removed;  ///< Stale tables removed.
};

EvalFiles write_eval_files(const EvalResults& results, const std::filesystem::path& directory);

/// A few lines for the terminal: the tables side by side with the paper's.
void print_eval_summary(const EvalResults& results, std::ostream& out);

}  // namespace twinos::eval
