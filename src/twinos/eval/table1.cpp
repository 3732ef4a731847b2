// SPDX-License-Identifier: MIT
// Table 1 in simulated and in host time.
#include "twinos/eval/table1.h"

#include <algorithm>
#include <stdexcept>

#include "pseudonic/shared_nic_system.h"
#include "twinos/edge/fig6_scenario.h"
#include "twinos/machine/machine_config.h"

namespace twinos::eval {

using namespace twinos::machine;

namespace {

constexpr int kNicIrq = 11;  // standard_nic(): the 3c905 on IRQ 11

Spread spread_of(const HostTiming& t) {
    if (t.samples == 0) return {};
    Spread s;  // the step timers keep no samples: no median or p99
    s.min_ns = double(t.min_ns);
    s.mean_ns = t.mean_ns();
    s.max_ns = double(t.max_ns);
    return s;
}

StepFigures figures(std::optional<double> paper_us, Ticks model, const HostTiming& host) {
    return StepFigures{true, paper_us, double(model.count()), spread_of(host), host.samples};
}

// The original configuration has no pseudo NIC: no (A), (B) or (D).
const StepFigures kNoSuchStep{false, std::nullopt, 0, Spread{}, 0};

// Run the scenario on `twin`, host timing on; throws if frames went missing.
void run_scenario(os::TwinOs& twin, std::uint32_t packets, std::uint32_t frame_bytes,
                  const char* which) {
    twin.machine().trace().set_host_timing(true);
    edge::Fig6Scenario scenario(twin, edge::Fig6Options{packets, {frame_bytes}, Ticks{0}, {}});
    if (!scenario.run()) {
        throw std::runtime_error(std::string("eval: table 1: the ") + which +
                                 " configuration did not receive every frame");
    }
}

double sum(const std::vector<Table1Row>& rows, double (*pick)(const Table1Row&)) {
    double total = 0;
    for (const Table1Row& r : rows) total += pick(r);
    return total;
}

}  // namespace

double Table1::model_total_original_ns() const {
    return sum(rows, [](const Table1Row& r) { return r.original.model_ns; });
}
double Table1::model_total_pseudo_ns() const {
    return sum(rows, [](const Table1Row& r) { return r.pseudo.model_ns; });
}
double Table1::host_total_original_ns() const {
    return sum(rows, [](const Table1Row& r) { return r.original.host.mean_ns; });
}
double Table1::host_total_pseudo_ns() const {
    return sum(rows, [](const Table1Row& r) { return r.pseudo.host.mean_ns; });
}

// [eval:table1]
Table1 measure_table1(std::uint32_t packets, std::uint32_t frame_bytes, const CostModel& model) {
    Table1 t;
    t.packets = packets;
    t.frame_bytes = frame_bytes;

    // Original: the co-existing OS's driver owns the card; only (C) exists.
    MachineConfig original = MachineConfig::original();
    original.costs = model;
    {
        // A short run first, untimed by anyone: whichever configuration ran
        // first would otherwise pay for cold caches and branch predictors.
        os::TwinOs warm_up(original);
        run_scenario(warm_up, std::min<std::uint32_t>(packets, 2000), frame_bytes, "original");
    }
    os::TwinOs plain(original);
    run_scenario(plain, packets, frame_bytes, "original");
    const HostTiming& plain_c = plain.machine().irqs().handler_timing(OsId::Coexisting, kNicIrq);

    // Pseudo NIC, copying switched off: no acquisition part at all.
    MachineConfig shared = MachineConfig::shared_nic();
    shared.costs = model;
    pseudonic::SharedNicSystem system(shared);
    os::TwinOs& twin = system.twin();
    run_scenario(twin, packets, frame_bytes, "pseudo NIC");
    const Cpu& cpu = twin.machine().cpu();
    t.rows = {
        {"A", "pseudo NIC processing", kNoSuchStep,
         figures(1.99, model.step_a(), system.pseudo_nic()->step_a_host_time())},
        {"B", "OS switch", kNoSuchStep,
         figures(3.99, model.step_b(), cpu.switch_host_time(SwitchReason::Irq))},
        {"C", "co-existing OS's driver", figures(4.13, model.step_c_original(), plain_c),
         figures(7.32, model.step_c(),
                 twin.machine().irqs().handler_timing(OsId::Coexisting, kNicIrq))},
        {"D", "return", kNoSuchStep,
         figures(0.75, model.step_d(), cpu.switch_host_time(SwitchReason::Return))},
    };
    t.trapped_io_host = spread_of(system.pseudo_nic()->trap_host_time());
    t.trapped_io_samples = system.pseudo_nic()->trap_host_time().samples;
    t.interrupts_while_preceding = system.pseudo_nic()->counters().rx_interrupts_preceding_running;
    t.interrupts_while_coexisting =
        system.pseudo_nic()->counters().rx_interrupts_coexisting_running;
    return t;
}
// [/eval:table1]

}  // namespace twinos::eval
