// SPDX-License-Identifier: MIT
// HaltSummary: formatting, in the one stable layout tests and students read.
// Part of the simulated machine; OS code and labs never edit this.
#include "twinos/machine/halt_summary.h"

#include <sstream>

namespace twinos::machine {

std::string HaltSummary::format() const {
    const auto P = index_of(OsId::Preceding);
    const auto C = index_of(OsId::Coexisting);
    std::ostringstream out;
    out << "ticks total=" << cpu.total.count() << " preceding=" << cpu.held[P].count()
        << " coexisting=" << cpu.held[C].count() << " switching=" << cpu.switching.count() << '\n';
    out << "busy preceding=" << cpu.busy[P].count() << " coexisting=" << cpu.busy[C].count()
        << " idle=" << cpu.idle.count() << '\n';
    out << "switches total=" << cpu.total_switches();
    for (SwitchReason r :
         {SwitchReason::Boot, SwitchReason::Timer, SwitchReason::Irq, SwitchReason::Return}) {
        out << ' ' << to_string(r) << '=' << cpu.switches[static_cast<std::size_t>(r)];
    }
    out << '\n';
    out << "irq preceding=" << irq[P].delivered << " coexisting=" << irq[C].delivered
        << " with_switch=" << irq[P].with_switch + irq[C].with_switch
        << " coalesced=" << irq[P].coalesced + irq[C].coalesced
        << " spurious=" << irq[P].spurious + irq[C].spurious << '\n';
    out << "io preceding=" << io[P].direct << " coexisting=" << io[C].direct
        << " trapped=" << io[P].trapped + io[C].trapped << " faults=" << io[P].faults + io[C].faults
        << '\n';
    out << "events fired=" << events << " timer_ticks=" << timer_ticks << '\n';
    return out.str();
}

}  // namespace twinos::machine
