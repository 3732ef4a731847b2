// SPDX-License-Identifier: MIT
// Evaluation: everything `twinos eval` measures, in one result.
//
// Four parts, each optional: Table 1 (model and host time), Fig. 7 (copy
// time by length, host), the sec. 4.4 throughput computed from both tables,
// and the load experiment (simulated, both configurations). The throughput
// table is derived, never measured on its own: the model row applies the
// formula to the cost model, the host row to the measured means, so the
// report can be checked against its own tables.
//
// Paper: sec. 4. Chapter: chapters/07-evaluation.rst.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "twinos/eval/copy_sweep.h"
#include "twinos/eval/load_experiment.h"
#include "twinos/eval/table1.h"
#include "twinos/eval/throughput_model.h"

namespace twinos::eval {

/// What to measure.
struct EvalOptions {
    bool table1 = true;                    ///< Measure Table 1.
    bool fig7 = true;                      ///< Measure Fig. 7.
    bool load = true;                      ///< Run the load experiment.
    std::uint32_t table1_packets = 20000;  ///< Packets per configuration for Table 1.
    std::uint32_t copy_samples = 20000;    ///< Copies per length for Fig. 7.
    std::vector<std::uint32_t> copy_lengths = fig7_lengths();  ///< Fig. 7's lengths.
    LoadOptions load_options;                                  ///< The load experiment.
};

/// One row of the sec. 4.4 table: throughput for one copy length.
struct ThroughputRow {
    std::uint32_t copy_bytes = 0;      ///< The slice copied per packet.
    std::optional<double> paper_mbps;  ///< The paper's figure (53 and 1536 B only).
    double model_mbps = 0;             ///< The formula on the cost model.
    std::optional<double> host_mbps;   ///< The formula on our host-time means.
};

/// The machine the host figures came from.
struct HostInfo {
    std::string cpu;       ///< /proc/cpuinfo's model name.
    unsigned cores = 0;    ///< Hardware threads.
    std::string compiler;  ///< Compiler and version.
    std::string date;      ///< UTC date of the run (YYYY-MM-DD).
};

/// Everything one `twinos eval` found.
struct EvalResults {
    HostInfo host;                          ///< Where.
    machine::CostModel costs;               ///< The model used.
    std::optional<Table1> table1;           ///< Table 1, when measured.
    double clock_overhead_ns = 0;           ///< Subtracted from Fig. 7's samples.
    std::vector<CopyRow> fig7;              ///< Fig. 7, when measured.
    std::vector<ThroughputRow> throughput;  ///< Sec. 4.4.
    LoadOptions load_options;               ///< How the load experiment ran.
    std::vector<LoadPoint> load_pseudo;     ///< Load curve, pseudo NIC.
    std::vector<LoadPoint> load_original;   ///< Load curve, original configuration.
};

/// This machine.
HostInfo describe_host();

/// The sec. 4.4 rows: for 53 and 1536 bytes and every Fig. 7 length
/// measured, the formula on the model and (with Table 1 and Fig. 7) on the
/// host means.
std::vector<ThroughputRow> throughput_rows(const machine::CostModel& model,
                                           const std::optional<Table1>& table1,
                                           const std::vector<CopyRow>& fig7);

/// Measure what `options` asks for with `model`.
EvalResults evaluate(const EvalOptions& options, const machine::CostModel& model);

}  // namespace twinos::eval
