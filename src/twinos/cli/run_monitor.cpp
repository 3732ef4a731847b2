// SPDX-License-Identifier: MIT
// `twinos run`: the full system -- pseudo NIC, acquisition part, monitor AP.
//
// The mechanism is monitor::MonitoredRun; this file turns what the user
// typed into its options, runs it and prints what it did.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>

#include "monitor/intruder_run.h"
#include "monitor/monitored_run.h"
#include "twinos/cli/run_command.h"
#include "twinos/cli/units.h"
#include "twinos/edge/loss_ledger.h"
#include "twinos/eval/throughput_model.h"

namespace twinos::cli {

using namespace twinos::machine;

namespace {

std::string join(const std::vector<std::string>& words) {
    std::string s;
    for (const std::string& w : words) s += (s.empty() ? "" : " ") + w;
    return s;
}

// What the user typed, checked and turned into the run's options. Nothing
// starts and no file is created here.
monitor::MonitoredRunOptions monitored_options(const RunOptions& o,
                                               std::unique_ptr<edge::PcapReplay>& replay) {
    monitor::MonitoredRunOptions r;
    r.machine = MachineConfig::shared_nic(parse_size(o.memory));
    monitor::MonitorOptions& m = r.monitor;
    m.log_area_bytes = parse_size(o.log_area);
    if (m.log_area_bytes == 0 || m.log_area_bytes % kPageSize != 0)
        throw std::invalid_argument("--log-area: must be a positive multiple of 4 KiB");
    r.poll_interval = parse_duration(o.poll_interval);
    if (r.poll_interval <= Ticks{0})
        throw std::invalid_argument("--poll-interval: must be positive");
    if (o.snaplen == 0 || o.snaplen > 65535) throw std::invalid_argument("-s: must be 1..65535");
    m.output = o.write_file.empty() ? "capture.pcap" : o.write_file;
    m.format = monitor::parse_format(o.format, m.output);
    if (!o.rules_file.empty() && !o.filter.empty())
        throw std::invalid_argument("give either --rules FILE or a filter expression, not both");
    m.rules = o.rules_file.empty()
                  ? monitor::command_line_rules(join(o.filter), o.offset, o.snaplen)
                  : monitor::read_rule_file(o.rules_file);
    for (const std::string& spec : o.rules_at) {
        const std::size_t colon = spec.find(':');
        if (colon == std::string::npos)
            throw std::invalid_argument("--rules-at: '" + spec + "': expected TIME:FILE");
        r.rule_changes.push_back({parse_duration(spec.substr(0, colon)),
                                  monitor::read_rule_file(spec.substr(colon + 1))});
    }
    replay = prepare_traffic(o, r.machine, r.twin, r.scenario, r.pacing);
    r.replay = replay.get();
    r.live = prepare_live(o, r.twin, r.scenario);
    r.count = o.count;
    // Host speed only (chapter 7): neither changes a simulated event or a byte.
    r.read_ahead = r.background_writer = true;
    return r;
}

void report_run(monitor::MonitoredRun& run, const monitor::MonitoredRunResult& result,
                const std::string& output, std::ostream& out) {
    report_layers(run.twin(), run.sent(), out);
    report_pseudo_nic_counters(*run.system().pseudo_nic(), out);
    const monitor::CaptureTotals& t = result.totals;
    out << "capture matched=" << t.matched << " captured=" << t.captured << " lost=" << t.lost
        << " polls=" << result.polls << " file=" << output << '\n';
    const CostModel& model = run.twin().machine().cpu().costs();
    auto us = [](Ticks t) { return double(t.count()) / 1000.0; };
    char line[200];
    std::snprintf(line, sizeof line,
                  "table1  model constants, simulated: A=%.2fus B=%.2fus C=%.2fus (original "
                  "%.2fus) D=%.2fus\n",
                  us(model.step_a()), us(model.step_b()), us(model.step_c()),
                  us(model.step_c_original()), us(model.step_d()));
    out << line;
    std::snprintf(line, sizeof line,
                  "throughput  paper sec. 4.4, MTU/(A+B+C+copy): %.0f Mbit/s at 53 B, %.0f "
                  "Mbit/s at 1536 B\n",
                  eval::predicted_mbps(model, 53), eval::predicted_mbps(model, 1536));
    out << line << "halt\n" << run.twin().machine().halt().format();
}

void write_stats_json(const std::string& path, const monitor::MonitoredRunResult& r,
                      monitor::MonitoredRun& run, const edge::LossLedger& ledger) {
    const pseudonic::PseudoNic& p = *run.system().pseudo_nic();
    const LinkCounters& wire = run.twin().machine().link().counters();
    std::ofstream out(path);
    out << "{\n  \"wire_frames\": " << wire.to_nic << ",\n  \"matched\": " << r.totals.matched
        << ",\n  \"captured\": " << r.totals.captured << ",\n  \"lost\": " << r.totals.lost
        << ",\n  \"polls\": " << r.polls << ",\n  \"traps\": " << p.counters().traps
        << ",\n  \"interrupts\": " << p.counters().rx_interrupts
        << ",\n  \"security_events\": " << p.security().total()
        << ",\n  \"wire_held\": " << wire.holds << ",\n  \"wire_held_ns\": " << wire.held.count()
        << ",\n  \"ledger_lost\": " << ledger.lost()
        << ",\n  \"ledger_balanced\": " << (ledger.problems().empty() ? "true" : "false") << ",\n"
        << ledger.json_members() << "\n}\n";
    out.flush();
    // The capture file is complete by now; only the statistics are missing.
    if (!out) throw monitor::WriteError(path + ": cannot write the statistics");
}

}  // namespace

int run_monitored(const RunOptions& o, std::ostream& out, std::ostream& err) {
    std::unique_ptr<edge::PcapReplay> replay;
    std::unique_ptr<monitor::MonitoredRun> run;
    std::uint32_t requested = 0;  // the scenario's request
    const bool progress = isatty(fileno(stderr));
    try {
        monitor::MonitoredRunOptions options = monitored_options(o, replay);
        requested = options.scenario.count;
        options.stop_requested = [] { return stop_was_requested(); };
        if (replay && progress) {
            options.on_progress = [](std::uint64_t n) {
                std::fprintf(stderr, "\r%llu frames", static_cast<unsigned long long>(n));
            };
        }
        options.on_rules_changed = [&out, &err, &o](Ticks at) {
            (o.write_file == "-" ? err : out) << "rules   changed at " << at.count() << " ns\n";
        };
        run = std::make_unique<monitor::MonitoredRun>(std::move(options));
    } catch (...) {
        return report_input_error(err);  // nothing started, no file created
    }
    const std::string output = o.write_file.empty() ? "capture.pcap" : o.write_file;
    // With the capture on standard output, everything said goes to stderr.
    std::ostream& report = output == "-" ? err : out;
    run->twin().machine().trace().set_mask(parse_trace_flags(o.trace));
    run->twin().machine().trace().echo_to(&report);
    install_stop_handlers();
    report << (!o.interface.empty() ? "== twinos run -i " + o.interface
               : replay             ? "== twinos run -r " + o.read_file
                                    : "== twinos run: built-in scenario (paper Fig. 6)")
           << " -w " << output << " ==\n";
    int status = 0;
    bool ledger_bad = false;
    try {
        const monitor::MonitoredRunResult result = run->run();
        run->twin().machine().trace().echo_to(nullptr);
        if (progress && result.frames_played >= 65536) std::fputc('\n', stderr);
        if (run->scenario()) report_client(run->scenario()->client(), requested, report);
        const edge::LiveSession* live = run->live();
        if (live && live->options().server) report_client(live->client(), requested, report);
        if (live) report_live(*live, run->twin(), report);
        report_run(*run, result, output, report);
        const edge::LossLedger ledger = run->ledger();
        ledger_bad = report_ledger(ledger, true, report, err) != 0;
        if (live) {
            status = live_status(*live, err);
        } else if (result.replay_error) {
            err << "twinos run: error: " << *result.replay_error << '\n';
            status = 2;
        } else if (run->scenario() && !result.scenario_complete && !result.stopped) {
            err << "twinos run: error: the client did not receive every frame it asked for\n";
            status = 1;
        }
        if (!o.stats_json.empty()) write_stats_json(o.stats_json, result, *run, ledger);
    } catch (const monitor::WriteError& e) {
        err << "twinos run: error: " << e.what() << '\n';
        return 1;  // the log is valid up to the last whole record
    } catch (...) {
        return report_input_error(err);  // rules the kernel refused when applied
    }
    if (ledger_bad) return 1;  // a count that does not add up is a bug, stop or not
    return stop_was_requested() && status != 1 ? 0 : status;
}

int run_intruder_scenario(const RunOptions& o, std::ostream& out, std::ostream& err) {
    monitor::IntruderOptions intruder;
    try {
        if (o.scenario != "intruder") {
            throw std::invalid_argument(
                o.scenario.empty() ? "--seed and --guest-capture: only with --scenario intruder"
                                   : "--scenario: '" + o.scenario + "' is not intruder");
        }
        if (o.original || !o.read_file.empty() || !o.interface.empty()) {
            throw std::invalid_argument(
                "--scenario intruder runs the monitored machine on its own traffic: not with "
                "--original, -r or -i");
        }
        std::unique_ptr<edge::PcapReplay> none;
        const monitor::MonitoredRunOptions m = monitored_options(o, none);
        intruder.seed = o.seed;
        intruder.monitor = m.monitor;
        intruder.poll_interval = m.poll_interval;
        intruder.traffic = m.scenario;
        if (o.count < 0) intruder.traffic.count = 200;  // a short exchange before the intruder acts
        intruder.guest_capture = o.guest_capture;
        intruder.trace_mask = parse_trace_flags(o.trace);
        intruder.trace_out = &out;
    } catch (...) {
        return report_input_error(err);
    }
    out << "== twinos run --scenario intruder --seed " << o.seed << " -w "
        << intruder.monitor.output << " ==\n";
    try {
        const monitor::IntruderResult r = monitor::run_intruder(intruder);
        out << monitor::intruder_report(r);
        out << "capture captured=" << r.totals.captured << " lost=" << r.totals.lost
            << " file=" << intruder.monitor.output << "\nhalt\n"
            << r.halt;
        if (!o.stats_json.empty()) {
            std::ofstream json(o.stats_json);
            json << "{\n" << monitor::intruder_json(r) << "\n}\n";
            if (!json.flush())
                throw monitor::WriteError(o.stats_json + ": cannot write the statistics");
        }
        if (r.totals.lost != 0) {
            err << "twinos run: warning: " << r.totals.lost
                << " records were overwritten before the monitor AP read them (a larger "
                   "--log-area, a shorter --poll-interval or rules that keep less avoid it)\n";
        }
        if (r.monitor_missing != 0 && r.totals.lost != 0) {
            err << "twinos run: warning: " << r.monitor_missing
                << " of the implant's frames are among the records overwritten\n";
        }
        if ((r.monitor_missing != 0 && r.totals.lost == 0) || !r.canary_intact) {
            err << "twinos run: error: "
                << (r.canary_intact ? "implant frames are missing from the monitor's record "
                                      "though it lost nothing"
                                    : "the preceding OS's canary changed")
                << " (a bug)\n";
            return 1;
        }
        if (!r.traffic_complete) {
            err << "twinos run: error: the client did not receive every frame it asked for\n";
            return 1;
        }
    } catch (const monitor::WriteError& e) {
        err << "twinos run: error: " << e.what() << '\n';
        return 1;
    } catch (...) {
        return report_input_error(err);
    }
    return 0;
}

}  // namespace twinos::cli
