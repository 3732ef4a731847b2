// SPDX-License-Identifier: MIT
// `twinos run`: the full system -- pseudo NIC, acquisition part, monitor AP.
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>

#include "capture/capture_system.h"
#include "monitor/monitor_ap.h"
#include "twinos/cli/run_command.h"
#include "twinos/cli/units.h"
#include "twinos/edge/fig6_scenario.h"
#include "twinos/edge/pcap_replay.h"
#include "twinos/edge/read_ahead_source.h"
#include "twinos/edge/tx_recorder.h"
#include "twinos/eval/throughput_model.h"
#include "twinos/machine/cost_model.h"

namespace twinos::cli {

using namespace twinos::machine;

namespace {

// SIGINT / SIGTERM ask the run to stop; the loops look at this between steps.
volatile std::sig_atomic_t stop_requested = 0;
extern "C" void request_stop(int) { stop_requested = 1; }

std::string join(const std::vector<std::string>& words) {
    std::string s;
    for (const std::string& w : words) s += (s.empty() ? "" : " ") + w;
    return s;
}

// Step (2) and (4) are system calls: run the machine until the preceding OS
// holds the CPU (at most a quantum or two).
void until_preceding_runs(os::TwinOs& twin) {
    for (int i = 0; i < 100000 && twin.machine().cpu().running() != OsId::Preceding; ++i) {
        twin.run_until(twin.machine().clock().now() + microseconds(100));
    }
}

void write_stats_json(const std::string& path, const monitor::CaptureTotals& t,
                      const LinkCounters& wire, const pseudonic::PseudoNic& p) {
    std::ofstream out(path);
    out << "{\n  \"wire_frames\": " << wire.to_nic << ",\n  \"matched\": " << t.matched
        << ",\n  \"captured\": " << t.captured << ",\n  \"lost\": " << t.lost
        << ",\n  \"traps\": " << p.counters().traps
        << ",\n  \"interrupts\": " << p.counters().rx_interrupts
        << ",\n  \"security_events\": " << p.security().total() << "\n}\n";
    out.flush();
    // The capture file is complete by now; only the statistics are missing.
    if (!out) throw monitor::WriteError(path + ": cannot write the statistics");
}

}  // namespace

// [twinos:run-monitored]
int run_monitored(const RunOptions& o, std::ostream& out, std::ostream& err) {
    // Everything the user typed is checked before anything starts, and no
    // output file exists until the kernel has accepted the rules.
    monitor::MonitorOptions mopts;
    MachineConfig config;
    os::TwinOsOptions options;
    Ticks poll;
    edge::Fig6Options scenario;
    std::unique_ptr<edge::PcapReplay> replay;
    std::vector<std::pair<Ticks, monitor::RuleSet>> changes;  // --rules-at, in time order
    try {
        config = MachineConfig::shared_nic(parse_size(o.memory));
        mopts.log_area_bytes = parse_size(o.log_area);
        if (mopts.log_area_bytes == 0 || mopts.log_area_bytes % kPageSize != 0) {
            throw std::invalid_argument("--log-area: must be a positive multiple of 4 KiB");
        }
        poll = parse_duration(o.poll_interval);
        if (poll <= Ticks{0}) throw std::invalid_argument("--poll-interval: must be positive");
        if (o.snaplen == 0 || o.snaplen > 65535)
            throw std::invalid_argument("-s: must be 1..65535");
        mopts.output = o.write_file.empty() ? "capture.pcap" : o.write_file;
        if (o.format.empty()) {
            mopts.format = monitor::format_for(mopts.output);
        } else if (o.format == "pcap" || o.format == "pcapng" || o.format == "text") {
            mopts.format = o.format == "pcap"     ? monitor::Format::Pcap
                           : o.format == "pcapng" ? monitor::Format::Pcapng
                                                  : monitor::Format::Text;
        } else {
            throw std::invalid_argument("--format: '" + o.format + "' is not pcap, pcapng or text");
        }
        if (!o.rules_file.empty() && !o.filter.empty()) {
            throw std::invalid_argument(
                "give either --rules FILE or a filter expression, not both");
        }
        mopts.rules = o.rules_file.empty()
                          ? monitor::command_line_rules(join(o.filter), o.offset, o.snaplen)
                          : monitor::read_rule_file(o.rules_file);
        for (const std::string& spec : o.rules_at) {
            const std::size_t colon = spec.find(':');
            if (colon == std::string::npos) {
                throw std::invalid_argument("--rules-at: '" + spec + "': expected TIME:FILE");
            }
            changes.emplace_back(parse_duration(spec.substr(0, colon)),
                                 monitor::read_rule_file(spec.substr(colon + 1)));
        }
        std::stable_sort(changes.begin(), changes.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        replay = prepare_traffic(o, options, scenario);
    } catch (...) {
        return report_input_error(err);
    }

    capture::CaptureSystem system(config, options);
    os::TwinOs& twin = system.twin();
    std::unique_ptr<monitor::MonitorAp> ap;
    try {
        ap = std::make_unique<monitor::MonitorAp>(system, mopts);
    } catch (...) {
        return report_input_error(err);
    }
    // The monitor AP is the preceding OS's first program.
    system.set_preceding_init([&](os::Kernel& k) { ap->start(k); });
    edge::TxRecorder sent(0);
    twin.machine().link().add_sink(sent);
    twin.machine().trace().set_mask(parse_trace_flags(o.trace));
    twin.machine().trace().echo_to(&out);
    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);
    const bool progress = isatty(fileno(stderr)) && replay;
    int status = 0;
    // Step (2) again at the times asked for: wait for the preceding OS to
    // run, then swap the rules atomically.
    std::size_t next_change = 0;
    auto apply_due_changes = [&] {
        while (next_change < changes.size() &&
               twin.machine().clock().now() >= changes[next_change].first) {
            until_preceding_runs(twin);
            ap->change_rules(changes[next_change].second);
            out << "rules   changed at " << twin.machine().clock().now().count() << " ns\n";
            ++next_change;
        }
    };
    // The scenario's client program lives as long as the machine runs: the
    // run goes on after the scenario stops (to drain the ring), and replies
    // still on the wire must find their receiver.
    std::optional<edge::Fig6Scenario> fig6;
    // Likewise the replay's count and read-ahead: the link may still pull.
    std::optional<CountedSource> counted;
    std::optional<edge::ReadAheadSource> ahead;
    try {
        if (replay) {
            out << "== twinos run -r " << o.read_file << " -w " << mopts.output << " ==\n";
            twin.boot();
            twin.run_until(milliseconds(1));
            // The capture is read on a second thread while the machine runs;
            // the count stops the reading too, so nothing past it is read.
            counted.emplace(*replay, o.count);
            ahead.emplace(*counted);
            twin.machine().link().play(*ahead, twin.machine().clock().now());
            Ticks next_poll = twin.machine().clock().now() + poll;
            std::uint64_t frames = 0;
            // (3) Read every poll interval. Between two frames far apart the
            // ring has nothing new: skip the empty polls, land on the grid.
            while (twin.machine().link().playing() && !stop_requested) {
                const Ticks arrival = twin.machine().link().next_arrival();
                if (next_change < changes.size() &&
                    changes[next_change].first <= std::min(arrival, next_poll)) {
                    twin.run_until(changes[next_change].first);
                    apply_due_changes();
                    continue;
                }
                if (arrival < next_poll) {
                    twin.run_until(arrival);
                    ++frames;
                    if (progress && frames % 65536 == 0)
                        std::fprintf(stderr, "\r%llu frames",
                                     static_cast<unsigned long long>(frames));
                } else {
                    twin.run_until(next_poll);
                    ap->poll();
                    next_poll = next_poll + poll;
                    if (twin.machine().link().playing() &&
                        twin.machine().link().next_arrival() > next_poll) {
                        const std::int64_t skip =
                            (twin.machine().link().next_arrival() - next_poll).count() /
                            poll.count();
                        next_poll = next_poll + poll * skip;
                    }
                }
            }
            if (progress)
                std::fprintf(stderr, "\r%llu frames\n", static_cast<unsigned long long>(frames));
            twin.run_until(twin.machine().clock().now() + milliseconds(1));  // drain the machine
            ahead->finish();  // the reader is done with the file: its error may be read
            if (replay->error()) {
                err << "twinos run: error: " << *replay->error() << '\n';
                status = 2;
            }
        } else {
            out << "== twinos run: built-in scenario (paper Fig. 6) -w " << mopts.output << " ==\n";
            fig6.emplace(twin, scenario);
            fig6->set_after_each_slice([&] {
                apply_due_changes();
                ap->poll();
                return stop_requested == 0;
            });
            const bool complete = fig6->run();
            report_client(*fig6, scenario.count, out);
            if (!complete && !stop_requested) {
                err << "twinos run: error: the client did not receive every frame it asked for\n";
                status = 1;
            }
        }
        until_preceding_runs(twin);
        const monitor::CaptureTotals totals = ap->stop();
        twin.machine().trace().echo_to(nullptr);
        report_layers(twin, sent, out);
        report_pseudo_nic_counters(*system.pseudo_nic(), out);
        out << "capture matched=" << totals.matched << " captured=" << totals.captured
            << " lost=" << totals.lost << " polls=" << ap->polls() << " file=" << mopts.output
            << '\n';
        const CostModel& model = twin.machine().cpu().costs();
        auto us = [](Ticks t) { return double(t.count()) / 1000.0; };
        char line[200];
        std::snprintf(
            line, sizeof line,
            "table1  model constants, simulated: A=%.2fus B=%.2fus C=%.2fus (original %.2fus) "
            "D=%.2fus\n",
            us(model.step_a()), us(model.step_b()), us(model.step_c()), us(model.step_c_original()),
            us(model.step_d()));
        out << line;
        std::snprintf(line, sizeof line,
                      "throughput  paper sec. 4.4, MTU/(A+B+C+copy): %.0f Mbit/s at 53 B, %.0f "
                      "Mbit/s at 1536 B\n",
                      eval::predicted_mbps(model, 53), eval::predicted_mbps(model, 1536));
        out << line;
        out << "halt\n" << twin.machine().halt().format();
        if (!o.stats_json.empty())
            write_stats_json(o.stats_json, totals, twin.machine().link().counters(),
                             *system.pseudo_nic());
    } catch (const monitor::WriteError& e) {
        err << "twinos run: error: " << e.what() << '\n';
        return 1;  // the log is valid up to the last whole record
    } catch (...) {
        return report_input_error(err);  // rules the kernel refused when applied
    }
    return stop_requested ? 0 : status;
}
// [/twinos:run-monitored]

}  // namespace twinos::cli
