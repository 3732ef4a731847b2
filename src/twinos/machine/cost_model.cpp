// SPDX-License-Identifier: MIT
// CostModel: the costs by name, for the command line and the eval report.
#include "twinos/machine/cost_model.h"

#include <stdexcept>
#include <utility>

namespace twinos::machine {

namespace {

// One table from name to field keeps the names, the order and the setters
// in one place.
using Field = Ticks CostModel::*;
const std::vector<std::pair<std::string, Field>>& fields() {
    static const std::vector<std::pair<std::string, Field>> table = {
        {"os-switch", &CostModel::os_switch},
        {"return", &CostModel::return_to_interrupted},
        {"pseudo-nic-entry", &CostModel::pseudo_nic_interrupt_entry},
        {"pseudo-nic-per-packet", &CostModel::pseudo_nic_per_packet},
        {"driver-entry", &CostModel::driver_interrupt_entry},
        {"driver-per-packet", &CostModel::driver_per_packet},
        {"trapped-io", &CostModel::trapped_io},
        {"copy-53", &CostModel::copy_53},
        {"copy-1536", &CostModel::copy_1536},
        {"bpf-instruction", &CostModel::bpf_instruction},
        {"system-call", &CostModel::system_call},
        {"kernel-boot", &CostModel::kernel_boot},
        {"driver-transmit", &CostModel::driver_transmit},
        {"monitor-poll", &CostModel::monitor_poll},
    };
    return table;
}

Field field_named(const std::string& name) {
    for (const auto& [n, f] : fields()) {
        if (n == name) return f;
    }
    std::string known;
    for (const auto& [n, f] : fields()) known += (known.empty() ? "" : ", ") + n;
    throw std::invalid_argument("unknown cost '" + name + "' (known: " + known + ")");
}

}  // namespace

std::vector<std::string> cost_names() {
    std::vector<std::string> names;
    for (const auto& [n, f] : fields()) names.push_back(n);
    return names;
}

void set_cost(CostModel& model, const std::string& name, Ticks value) {
    const Field f = field_named(name);
    if (value < Ticks{0}) throw std::invalid_argument("cost '" + name + "' must not be negative");
    model.*f = value;
}

Ticks get_cost(const CostModel& model, const std::string& name) { return model.*field_named(name); }

std::string first_negative_cost(const CostModel& model) {
    for (const auto& [n, f] : fields()) {
        if (model.*f < Ticks{0}) return n;
    }
    return {};
}

}  // namespace twinos::machine
