// SPDX-License-Identifier: MIT
// Evaluation: run the parts, derive the throughput table.
#include "twinos/eval/evaluation.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <thread>

namespace twinos::eval {

HostInfo describe_host() {
    HostInfo h;
    std::ifstream cpuinfo("/proc/cpuinfo");
    for (std::string line; std::getline(cpuinfo, line);) {
        if (line.rfind("model name", 0) == 0) {
            h.cpu = line.substr(line.find(':') + 2);
            break;
        }
    }
    if (h.cpu.empty()) h.cpu = "unknown";
    h.cores = std::thread::hardware_concurrency();
#if defined(__clang__)
    h.compiler = "clang " __clang_version__;
#elif defined(__GNUC__)
    h.compiler = "gcc " __VERSION__;
#else
    h.compiler = "unknown";
#endif
    const std::time_t now = std::time(nullptr);
    char date[16];
    std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
    h.date = date;
    return h;
}

// [eval:throughput-rows]
std::vector<ThroughputRow> throughput_rows(const machine::CostModel& model,
                                           const std::optional<Table1>& table1,
                                           const std::vector<CopyRow>& fig7) {
    std::vector<std::uint32_t> lengths = {53, 1536};
    for (const CopyRow& r : fig7) lengths.push_back(r.length);
    std::sort(lengths.begin(), lengths.end());
    lengths.erase(std::unique(lengths.begin(), lengths.end()), lengths.end());

    std::vector<ThroughputRow> rows;
    for (const std::uint32_t length : lengths) {
        ThroughputRow row;
        row.copy_bytes = length;
        if (length == 53) row.paper_mbps = 879;
        if (length == 1536) row.paper_mbps = 838;
        row.model_mbps = predicted_mbps(model, length);
        const auto copy = std::find_if(fig7.begin(), fig7.end(),
                                       [&](const CopyRow& r) { return r.length == length; });
        if (table1 && copy != fig7.end()) {
            // Host means of (A) to (D) with the pseudo NIC, plus this copy.
            StepTimes host{table1->rows[0].pseudo.host.mean_ns, table1->rows[1].pseudo.host.mean_ns,
                           table1->rows[2].pseudo.host.mean_ns, copy->ring.mean_ns,
                           table1->rows[3].pseudo.host.mean_ns};
            row.host_mbps = throughput_mbps(host);
        }
        rows.push_back(row);
    }
    return rows;
}
// [/eval:throughput-rows]

EvalResults evaluate(const EvalOptions& o, const machine::CostModel& model) {
    EvalResults r;
    r.host = describe_host();
    r.costs = model;
    if (o.table1) r.table1 = measure_table1(o.table1_packets, kLoadFrameBytes, model);
    if (o.fig7) {
        r.clock_overhead_ns = clock_overhead_ns();
        r.fig7 = copy_sweep(o.copy_lengths, o.copy_samples, r.clock_overhead_ns);
    }
    r.throughput = throughput_rows(model, r.table1, r.fig7);
    r.load_options = o.load_options;
    r.load_options.costs = model;
    if (o.load) {
        LoadOptions pseudo = r.load_options;
        pseudo.pseudo_nic = true;
        r.load_pseudo = run_load_curve(pseudo);
        LoadOptions original = r.load_options;
        original.pseudo_nic = false;
        r.load_original = run_load_curve(original);
    }
    return r;
}

}  // namespace twinos::eval
