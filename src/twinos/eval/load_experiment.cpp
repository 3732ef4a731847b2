// SPDX-License-Identifier: MIT
// The load experiment: offered versus delivered, in simulated time.
#include "twinos/eval/load_experiment.h"

#include <cmath>
#include <memory>

#include "capture/capture_system.h"
#include "monitor/monitored_run.h"
#include "monitor/rule_file.h"
#include "twinos/edge/fig6_scenario.h"
#include "twinos/machine/machine_config.h"

namespace twinos::eval {

using namespace twinos::machine;

namespace {

double mtu_mbps(double frames, Ticks span) {
    return span > Ticks{0} ? frames * kMtu * 8.0 / double(span.count()) * 1000.0 : 0.0;
}

// What every configuration reports once the scenario ran.
void count_delivery(os::TwinOs& twin, const edge::Fig6Scenario& scenario, LoadPoint& p) {
    p.offered = scenario.server().stats().replies;
    const os::Fig6ClientStats none;
    const os::Fig6ClientStats& got = scenario.client() ? scenario.client()->stats() : none;
    p.delivered = got.replies;
    p.lost = p.offered - std::min(p.offered, p.delivered);
    // What the wire really carries (its speed was rounded to whole bit/s),
    // and the share of it that got through.
    p.offered_mbps = mtu_mbps(1.0, twin.machine().link().wire_time(kLoadFrameBytes));
    if (p.offered > 0) p.delivered_mbps = p.offered_mbps * double(p.delivered) / double(p.offered);
    const CpuStats cpu = twin.machine().cpu().stats(twin.machine().cpu().free_at());
    p.irq_switches = cpu.switches[static_cast<std::size_t>(SwitchReason::Irq)];
    p.return_switches = cpu.switches[static_cast<std::size_t>(SwitchReason::Return)];
}

}  // namespace

std::vector<double> default_offered_loads() {
    std::vector<double> loads;
    for (int mbps = 100; mbps <= 4000; mbps += 100) loads.push_back(mbps);
    return loads;
}

// [eval:load-point]
LoadPoint run_load_point(double offered_mbps, const LoadOptions& o) {
    MachineConfig config = o.pseudo_nic ? MachineConfig::shared_nic() : MachineConfig::original();
    config.costs = o.costs;
    // A wire exactly fast enough for `offered_mbps` of MTU payload.
    const double frames_per_second = offered_mbps * 1e6 / (kMtu * 8.0);
    config.link_bits_per_second = static_cast<std::uint64_t>(
        std::llround(frames_per_second * Link::wire_bytes(kLoadFrameBytes) * 8.0));
    const edge::Fig6Options request{o.frames_per_point, {kLoadFrameBytes}, Ticks{0}, {}};

    LoadPoint p;
    if (o.pseudo_nic && o.copy_bytes > 0) {
        // The monitored run itself: the AP reads every millisecond, in the
        // preceding OS's own time, and keeps up, as in the paper.
        monitor::MonitoredRunOptions m;
        m.machine = config;
        m.scenario = request;
        m.monitor.rules = monitor::command_line_rules("", 0, o.copy_bytes);
        m.monitor.output = "/dev/null";
        monitor::MonitoredRun run(std::move(m));
        run.run();
        count_delivery(run.twin(), *run.scenario(), p);
        p.captured = run.system().acquisition()->stats().logged;
        p.interrupts = run.system().pseudo_nic()->counters().rx_interrupts;
        p.interrupts_while_coexisting =
            run.system().pseudo_nic()->counters().rx_interrupts_coexisting_running;
    } else if (o.pseudo_nic) {
        // Copying switched off, as for the paper's Table 1: no monitor AP.
        capture::CaptureSystem system(config);
        edge::Fig6Scenario scenario(system.twin(), request);
        scenario.run();
        count_delivery(system.twin(), scenario, p);
        p.interrupts = system.pseudo_nic()->counters().rx_interrupts;
        p.interrupts_while_coexisting =
            system.pseudo_nic()->counters().rx_interrupts_coexisting_running;
    } else {
        os::TwinOs twin(config);
        edge::Fig6Scenario scenario(twin, request);
        scenario.run();
        count_delivery(twin, scenario, p);
        p.interrupts = twin.nic_driver(OsId::Coexisting)->stats().interrupts;
    }
    p.packets_per_interrupt = p.interrupts ? double(p.delivered) / double(p.interrupts) : 0.0;
    return p;
}
// [/eval:load-point]

std::vector<LoadPoint> run_load_curve(const LoadOptions& o) {
    std::vector<LoadPoint> curve;
    for (const double offered : o.offered_mbps) curve.push_back(run_load_point(offered, o));
    return curve;
}

}  // namespace twinos::eval
