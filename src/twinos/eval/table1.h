// SPDX-License-Identifier: MIT
// Table 1, twice: the cost model's steps in simulated time, and our own
// code's steps in host time, original configuration beside pseudo NIC.
//
// The model column is not a measurement: it is the constants of
// `machine::CostModel` (the paper's figures unless changed), which is what
// the simulation charges. The host column is measured: the built-in
// scenario runs with the trace's host timing on and copying switched off
// (as in the paper's Table 1), and every step records how long our C++ took:
//   (A) `PseudoNic::card_interrupt`,
//   (B) `Cpu::switch_to` for an interrupt,
//   (C) the co-existing OS's interrupt handler, its trapped I/O included,
//   (D) `Cpu::switch_to` back to the interrupted OS (only interrupts that
//       found the preceding OS running have one; the others switch back
//       with a full switch, timed under (B)).
//
// Paper: Table 1. Chapter: chapters/07-evaluation.rst.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "twinos/eval/copy_sweep.h"
#include "twinos/machine/cost_model.h"

namespace twinos::eval {

/// One configuration's figure for one step.
struct StepFigures {
    bool exists = true;              ///< False: the configuration has no such step.
    std::optional<double> paper_us;  ///< The paper's Table 1 (none: the step does not exist).
    double model_ns = 0;             ///< The cost model (simulated time).
    Spread host;                     ///< Our code (host time, this machine).
    std::uint64_t samples = 0;       ///< Host samples taken.
};

/// One row of Table 1.
struct Table1Row {
    std::string step;      ///< "A", "B", "C", "D".
    std::string name;      ///< What the step is.
    StepFigures original;  ///< Original configuration (the driver owns the card).
    StepFigures pseudo;    ///< With the pseudo NIC.
};

/// The whole table.
struct Table1 {
    std::uint32_t packets = 0;             ///< Packets each configuration received.
    std::uint32_t frame_bytes = 0;         ///< Their size.
    std::vector<Table1Row> rows;           ///< A, B, C, D.
    Spread trapped_io_host;                ///< One trapped I/O instruction, host time.
    std::uint64_t trapped_io_samples = 0;  ///< How many were timed.
    /// The pseudo NIC's card interrupts that found the preceding OS running
    /// (the paper's path: A, B, C, D) ...
    std::uint64_t interrupts_while_preceding = 0;
    /// ... and those that found the co-existing OS running (a full switch
    /// in for A, a full switch back for C, no return).
    std::uint64_t interrupts_while_coexisting = 0;
    /// Sum of the rows' model figures, per configuration.
    double model_total_original_ns() const;
    /// See `model_total_original_ns`.
    double model_total_pseudo_ns() const;
    /// Sum of the rows' mean host figures, per configuration.
    double host_total_original_ns() const;
    /// See `host_total_original_ns`.
    double host_total_pseudo_ns() const;
};

/// Run the built-in scenario (`packets` frames of `frame_bytes`) on both
/// configurations with `model`, timing every step in host time.
/// @throws std::runtime_error when a configuration did not receive every frame.
Table1 measure_table1(std::uint32_t packets, std::uint32_t frame_bytes,
                      const machine::CostModel& model);

}  // namespace twinos::eval
