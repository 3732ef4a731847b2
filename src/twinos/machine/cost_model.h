// SPDX-License-Identifier: MIT
// CostModel: the costs one simulated machine charges, changeable per run.
// Part of the simulated machine; OS code and labs never edit this.
//
// `costs.h` holds the paper's figures as constants; a CostModel starts from
// them and lets one run use others -- chapter 7's lab halves the OS switch
// and predicts what that does to throughput. The machine carries its model
// in its configuration, the CPU hands it to whoever charges work, so one
// process can run the paper's model and a changed one side by side.
//
// The Table 1 helpers give each step's cost for an interrupt carrying one
// packet, which is what the paper measured.
//
// Paper: Table 1, Fig. 7, sec. 4.4. Chapter: chapters/07-evaluation.rst.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "twinos/machine/costs.h"

namespace twinos::machine {

// [twinos:cost-model]
/// Every modelled cost of one machine. Defaults: the paper's (costs.h).
struct CostModel {
    Ticks os_switch = costs::kOsSwitch;                                  ///< (B)
    Ticks return_to_interrupted = costs::kReturnToInterruptedOs;         ///< (D)
    Ticks pseudo_nic_interrupt_entry = costs::kPseudoNicInterruptEntry;  ///< (A), per interrupt
    Ticks pseudo_nic_per_packet = costs::kPseudoNicPerPacket;            ///< (A), per packet
    Ticks driver_interrupt_entry = costs::kDriverInterruptEntry;         ///< (C), per interrupt
    Ticks driver_per_packet = costs::kDriverPerPacket;                   ///< (C), per packet
    Ticks trapped_io = costs::kTrappedIo;                                ///< one trapped I/O
    Ticks copy_53 = costs::kCopy53;                                      ///< Fig. 7 mean at 53 B
    Ticks copy_1536 = costs::kCopy1536;                                  ///< Fig. 7 mean at 1536 B
    Ticks bpf_instruction = costs::kBpfInstruction;                      ///< one BPF instruction
    Ticks system_call = costs::kSystemCall;                              ///< syscall round trip
    Ticks kernel_boot = costs::kKernelBoot;                              ///< boot work
    Ticks driver_transmit = costs::kDriverTransmit;                      ///< queue one frame
    Ticks monitor_poll = costs::kMonitorPoll;  ///< the monitor AP's wake-up per read

    /// The driver's I/O instructions per one-packet receive interrupt (§4.2).
    static constexpr std::int64_t kIoPerInterrupt = 5;

    /// Copying `bytes` into the log area: the line through this model's
    /// two Fig. 7 points (`costs::copy_cost`).
    Ticks copy(std::uint64_t bytes) const { return costs::copy_cost(bytes, copy_53, copy_1536); }
    /// Table 1 (A): the pseudo NIC's processing of a one-packet interrupt.
    Ticks step_a() const { return pseudo_nic_interrupt_entry + pseudo_nic_per_packet; }
    /// Table 1 (B): one OS switch.
    Ticks step_b() const { return os_switch; }
    /// Table 1 (C), original column: the driver owning the NIC directly.
    Ticks step_c_original() const { return driver_interrupt_entry + driver_per_packet; }
    /// Table 1 (C), pseudo NIC column: the same driver, its I/O trapped.
    Ticks step_c() const { return step_c_original() + trapped_io * kIoPerInterrupt; }
    /// Table 1 (D): the return to the interrupted OS.
    Ticks step_d() const { return return_to_interrupted; }
};
// [/twinos:cost-model]

/// The names `set_cost` accepts, in the order `describe` lists them.
std::vector<std::string> cost_names();
/// Set the cost called `name` (see `cost_names`) in `model`.
/// @throws std::invalid_argument naming the unknown cost or bad value.
void set_cost(CostModel& model, const std::string& name, Ticks value);
/// Get the cost called `name`. @throws std::invalid_argument if unknown.
Ticks get_cost(const CostModel& model, const std::string& name);
/// The first cost that is negative, or empty when all are >= 0.
std::string first_negative_cost(const CostModel& model);

}  // namespace twinos::machine
