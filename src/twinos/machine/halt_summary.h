// SPDX-License-Identifier: MIT
// HaltSummary: the machine's statistics at halt, in a stable text format.
// Part of the simulated machine; OS code and labs never edit this.
//
// Like Nachos' statistics at `Halt`, the summary is what a student looks at
// first and what tests match. The format is fixed: one `section key=value
// key=value` line per subject, keys never renamed, new keys only appended.
//
//   ticks total=... preceding=... coexisting=... switching=...
//   busy preceding=... coexisting=... idle=...
//   switches total=... boot=... timer=... irq=... return=...
//   irq preceding=... coexisting=... with_switch=... coalesced=... spurious=...
//   io preceding=... coexisting=... trapped=... faults=...
//   events fired=... timer_ticks=...
//
// Chapter: chapters/02-twinos.rst.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "twinos/machine/cpu.h"
#include "twinos/machine/interrupt_controller.h"
#include "twinos/machine/port_bus.h"

namespace twinos::machine {

/// Everything the machine counted, as of one instant.
struct HaltSummary {
    CpuStats cpu;                      ///< Where the CPU's time went.
    std::array<IoCounters, 2> io{};    ///< Port I/O per OS.
    std::array<IrqCounters, 2> irq{};  ///< Interrupts per OS.
    std::uint64_t timer_ticks = 0;     ///< Time-sharing ticks handled.
    std::uint64_t events = 0;          ///< Events fired.

    /// The stable multi-line text form (see the file comment).
    std::string format() const;
};

}  // namespace twinos::machine
