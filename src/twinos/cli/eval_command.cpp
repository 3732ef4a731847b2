// SPDX-License-Identifier: MIT
#include "twinos/cli/eval_command.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "twinos/cli/units.h"
#include "twinos/eval/eval_report.h"
#include "twinos/eval/evaluation.h"

namespace twinos::cli {

namespace {

// `--cost os-switch=1995ns`: the named cost, a duration.
void apply_cost(machine::CostModel& model, const std::string& spec) {
    const std::size_t eq = spec.find('=');
    if (eq == std::string::npos) {
        throw std::invalid_argument("--cost: '" + spec + "': expected NAME=DURATION");
    }
    try {
        machine::set_cost(model, spec.substr(0, eq), parse_duration(spec.substr(eq + 1)));
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument("--cost: '" + spec + "': " + e.what());
    }
}

// `--loads 100,250.5,400`: positive Mbit/s values.
std::vector<double> parse_loads(const std::string& text) {
    std::vector<double> loads;
    std::size_t at = 0;
    while (at <= text.size()) {
        const std::size_t comma = std::min(text.find(',', at), text.size());
        const std::string item = text.substr(at, comma - at);
        double v = 0;
        const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
        // 1 Mbit/s to 100 Gbit/s: below, a point takes hours of simulated
        // time; above, a frame's wire time rounds to nothing.
        if (item.empty() || ec != std::errc() || end != item.data() + item.size() || v < 1 ||
            v > 100000) {
            throw std::invalid_argument("--loads: item " + std::to_string(loads.size() + 1) + " '" +
                                        item + "' is not a load of 1 to 100000 Mbit/s");
        }
        loads.push_back(v);
        at = comma + 1;
    }
    return loads;
}

}  // namespace

void add_eval_command(CLI::App& app, EvalCommandOptions& o) {
    CLI::App* eval = app.add_subcommand(
        "eval", "Reproduce the paper's Table 1, Fig. 7 and throughput; write CSV and JSON");
    eval->add_option("--out", o.out_dir, "Directory for the CSV and JSON files");
    eval->add_option("--only", o.only, "Parts to run: table1, fig7, load (default: all)")
        ->delimiter(',')
        ->check(CLI::IsMember({"table1", "fig7", "load"}));
    eval->add_option(
        "--cost", o.costs,
        "Change one cost of the model, NAME=DURATION, e.g. os-switch=1995ns "
        "(names: " +
            [] {
                std::string s;
                for (const auto& n : machine::cost_names()) s += (s.empty() ? "" : ", ") + n;
                return s;
            }() +
            ")");
    eval->add_option("--packets", o.measure.table1_packets, "Packets per configuration for Table 1")
        ->check(CLI::PositiveNumber);
    eval->add_option("--copy-samples", o.measure.copy_samples, "Copies timed per Fig. 7 length")
        ->check(CLI::PositiveNumber);
    eval->add_option("--loads", o.loads, "Offered loads in Mbit/s, e.g. 100,200,400");
    eval->add_option("--frames-per-point", o.measure.load_options.frames_per_point,
                     "Frames per point of the load experiment")
        ->check(CLI::PositiveNumber);
    eval->add_option("--copy-bytes", o.measure.load_options.copy_bytes,
                     "The monitor's slice in the load experiment (0: no monitor)")
        ->check(CLI::Range(0, 1536));
}

// [twinos:eval-command]
int run_eval(const EvalCommandOptions& o, std::ostream& out, std::ostream& err) {
    machine::CostModel model;
    eval::EvalOptions options = o.measure;
    try {
        for (const std::string& spec : o.costs) apply_cost(model, spec);
        if (!o.only.empty()) {
            auto wanted = [&](const char* part) {
                return std::find(o.only.begin(), o.only.end(), part) != o.only.end();
            };
            options.table1 = wanted("table1");
            options.fig7 = wanted("fig7");
            options.load = wanted("load");
        }
        if (!o.loads.empty()) options.load_options.offered_mbps = parse_loads(o.loads);
    } catch (const std::invalid_argument& e) {
        err << "twinos eval: error: " << e.what() << '\n';
        return 2;
    }
    const eval::EvalResults results = eval::evaluate(options, model);
    eval::EvalFiles files;
    try {
        files = eval::write_eval_files(results, o.out_dir);
    } catch (const std::runtime_error& e) {
        err << "twinos eval: error: " << e.what() << '\n';
        return 1;
    }
    eval::print_eval_summary(results, out);
    // Name exactly the files this run wrote, and the stale ones it removed.
    for (const auto& [verb, names] :
         {std::pair{"wrote", &files.written}, std::pair{"removed stale", &files.removed}}) {
        if (names->empty()) continue;
        out << verb;
        for (const std::string& name : *names) out << ' ' << o.out_dir << '/' << name;
        out << '\n';
    }
    return 0;
}
// [/twinos:eval-command]

}  // namespace twinos::cli
