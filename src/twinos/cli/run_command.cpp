// SPDX-License-Identifier: MIT
// `twinos run`: build the original machine, feed it, and report.
#include "twinos/cli/run_command.h"

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <optional>

#include "monitor/rule_file.h"
#include "pseudonic/shared_nic_system.h"
#include "twinos/cli/units.h"
#include "twinos/edge/counted_source.h"
#include "twinos/edge/fig6_scenario.h"
#include "twinos/edge/live_session.h"
#include "twinos/edge/loss_ledger.h"
#include "twinos/edge/pcap_replay.h"
#include "twinos/edge/replay_pacing.h"
#include "twinos/edge/tx_recorder.h"
#include "twinos/machine/config_error.h"
#include "twinos/machine/nic_3c905.h"
#include "twinos/net/packet.h"

namespace twinos::cli {

using namespace twinos::machine;

// [twinos:run-report]
void report_layers(os::TwinOs& twin, const edge::TxRecorder& sent, std::ostream& out) {
    Machine& m = twin.machine();
    const LinkCounters& wire = m.link().counters();
    out << "wire    frames=" << wire.to_nic << " bytes=" << wire.to_nic_bytes
        << " truncated=" << wire.truncated << " non_monotonic=" << wire.non_monotonic
        << " held=" << wire.holds << " held_ns=" << wire.held.count() << " sent=" << sent.frames()
        << " sent_bytes=" << sent.bytes() << '\n';
    for (const DeviceAssignment& d : m.config().devices) {
        const NicCounters* card = m.nic_counters(d.name);
        if (card == nullptr) continue;
        const NicCounters& c = *card;
        out << "nic     uploaded=" << c.rx_uploaded << " too_long=" << c.rx_errors
            << " overruns=" << c.rx_overruns << " filtered=" << c.rx_filtered
            << " stalls=" << c.upload_stalls << " transmitted=" << c.tx_frames << '\n';
    }
    if (os::Driver3c905x* d = twin.nic_driver(OsId::Coexisting)) {
        // The driver's own counters, as it kept them: reading the card's
        // statistics now would be I/O by an OS that is not running.
        const os::DriverStats& s = d->stats();
        char per[32];
        std::snprintf(per, sizeof per, "%.2f",
                      s.interrupts ? double(s.io_in_interrupts) / double(s.interrupts) : 0.0);
        out << "driver  interrupts=" << s.interrupts << " rx_packets=" << s.rx_packets
            << " rx_bytes=" << s.rx_bytes << " length_errors=" << s.rx_length_errors
            << " fifo_errors=" << s.rx_fifo_errors << " io_per_interrupt=" << per << '\n';
    }
    const os::NetStats& net = twin.kernel(OsId::Coexisting).net().stats();
    out << "stack   rx_frames=" << net.rx_frames << " rx_bytes=" << net.rx_bytes
        << " tx_frames=" << net.tx_frames << '\n';
}
// [/twinos:run-report]

std::unique_ptr<edge::PcapReplay> prepare_traffic(const RunOptions& o, MachineConfig& config,
                                                  os::TwinOsOptions& options,
                                                  edge::Fig6Options& scenario,
                                                  edge::ReplayPacing& pacing) {
    config.link_bits_per_second = parse_bit_rate("--link-speed", o.link_speed);
    pacing.pace = edge::parse_pace(o.pace);
    pacing.speed = edge::parse_speed(o.speed);
    if (o.rx_buffer < 60 || o.rx_buffer > 8191) {
        throw std::invalid_argument("--rx-buffer: " + std::to_string(o.rx_buffer) +
                                    " is not in 60..8191 (the UPD's 13-bit length field)");
    }
    options.nic_driver.rx_buffer_bytes = o.rx_buffer;
    // -1 is "not given": anything else must be a count of frames.
    if (o.count == 0 || o.count < -1) {
        throw std::invalid_argument("-c: '" + std::to_string(o.count) +
                                    "' is not a positive count of frames");
    }
    if (o.read_file.empty() && o.count > 0xffffffffll) {
        throw std::invalid_argument("-c: '" + std::to_string(o.count) +
                                    "' is more frames than the scenario's client can ask for "
                                    "(4294967295)");
    }
    if (!o.sizes.empty()) scenario.frame_sizes = parse_frame_sizes("--sizes", o.sizes);
    if (o.count >= 0 && o.read_file.empty()) scenario.count = static_cast<std::uint32_t>(o.count);
    if (o.read_file.empty()) return nullptr;
    auto replay = edge::PcapReplay::open(o.read_file);
    // Replay means the co-existing OS receives everything, as a host
    // running tcpdump would: promiscuous through the unchanged driver.
    options.nic_driver.promiscuous = true;
    return replay;
}

std::optional<edge::LiveOptions> prepare_live(const RunOptions& o, os::TwinOsOptions& twin,
                                              const edge::Fig6Options& scenario) {
    if (o.interface.empty()) {
        const char* live_only = !o.duration.empty()  ? "--duration"
                                : !o.server.empty()  ? "--server"
                                : !o.address.empty() ? "--address"
                                : o.create_tap       ? "--create-tap"
                                                     : nullptr;
        if (live_only) {
            throw std::invalid_argument(std::string(live_only) + ": only for a live wire (-i TAP)");
        }
        return std::nullopt;
    }
    if (!o.read_file.empty()) {
        throw std::invalid_argument("give either -r FILE or -i TAP, not both");
    }
    edge::LiveOptions live;
    const auto [ip, prefix] =
        o.address.empty() ? std::pair{edge::kLiveDefaultIp, 24u} : edge::parse_address(o.address);
    // A host on a real wire: its own address, answering ARP and ping; not
    // promiscuous -- the card keeps to its station address and broadcasts.
    twin.coexisting_ip = ip;
    twin.coexisting_prefix = prefix;
    twin.coexisting_answers = true;
    if (!o.duration.empty()) {
        live.limits.duration = parse_duration(o.duration);
        if (live.limits.duration <= Ticks{0})
            throw std::invalid_argument("--duration: must be positive");
    }
    if (!o.server.empty()) {
        live.server = edge::parse_server(o.server);
        if (!net::same_subnet(live.server->ip, ip, prefix)) {
            throw std::invalid_argument("--server: " + net::ipv4_to_string(live.server->ip) +
                                        " is not on the co-existing OS's subnet " +
                                        net::ipv4_to_string(ip) + "/" + std::to_string(prefix) +
                                        " (there is no router on the simulated wire)");
        }
        live.request_count = scenario.count;
        live.sizes = scenario.frame_sizes;
    } else {
        live.limits.count = o.count;  // without a client, -c counts frames from the host
    }
    live.tap = std::make_shared<edge::TapDevice>(edge::TapDevice::open(o.interface, o.create_tap));
    return live;
}

void report_live(const edge::LiveSession& live, os::TwinOs& twin, std::ostream& out) {
    const edge::LiveStats& s = live.stats();
    out << "live    device=" << live.options().tap->name() << " in=" << s.frames_in
        << " in_bytes=" << s.bytes_in << " out=" << s.frames_out << " out_bytes=" << s.bytes_out
        << " out_dropped=" << s.dropped_out << " oversized=" << s.oversized
        << " host_dropped=" << (s.host_dropped < 0 ? "?" : std::to_string(s.host_dropped))
        << " left=" << s.left_in_host_queue << " backlogged=" << s.backlogged
        << " max_lag_us=" << s.max_lag.count() / 1000 << " ran_ms=" << s.ran.count() / 1'000'000
        << '\n';
    const os::NetStack& net = twin.kernel(OsId::Coexisting).net();
    const os::NetStats& n = net.stats();
    out << "answers address=" << net::ipv4_to_string(net.ipv4()) << " arp=" << n.arp_answered
        << " echo=" << n.echo_answered << " arp_asked=" << n.arp_asked
        << " arp_learned=" << n.arp_learned << " waiting_for_arp=" << net.waiting_for_arp() << '\n';
}

void report_client(const os::Fig6Client* client, std::uint32_t requested, std::ostream& out) {
    out << "client  requested=" << requested
        << " received=" << (client ? client->stats().replies : 0)
        << " corrupt=" << (client ? client->stats().corrupt : 0)
        << " out_of_order=" << (client ? client->stats().out_of_order : 0) << '\n';
}

namespace {
// SIGINT / SIGTERM ask the run to stop; the run looks at this between steps.
volatile std::sig_atomic_t stop_requested = 0;
extern "C" void request_stop(int) { stop_requested = 1; }
}  // namespace

void install_stop_handlers() {
    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);
    std::signal(SIGPIPE, SIG_IGN);  // a closed output pipe is a named write error
}

bool stop_was_requested() { return stop_requested != 0; }

int live_status(const edge::LiveSession& live, std::ostream& err) {
    const edge::LiveStats& s = live.stats();
    const std::string& tap = live.options().tap->name();
    // Frames lost on the way in are the ledger's (its "host -> wire" stage).
    if (s.dropped_out != 0) {
        err << "twinos run: warning: " << s.dropped_out << " frames the card sent were dropped by "
            << tap << " (the host's queue was full, or the device was down or gone)\n";
    }
    if (s.error) {
        err << "twinos run: error: " << *s.error << '\n';
        return 1;
    }
    if (!live.client_complete() && !stop_was_requested()) {
        err << "twinos run: error: the client did not receive every frame it asked for\n";
        return 1;
    }
    return 0;
}

void add_run_command(CLI::App& app, RunOptions& o) {
    CLI::App* run =
        app.add_subcommand("run", "Run the twin machine on a capture or the built-in scenario");
    run->add_flag("--original", o.original,
                  "The original configuration: the co-existing OS owns the NIC (no pseudo NIC)");
    run->add_option("-r", o.read_file, "Replay this pcap or pcapng file");
    run->add_option("-i", o.interface,
                    "Join this host TAP device in real time: a live wire (needs root or "
                    "CAP_NET_ADMIN)");
    run->add_flag("--create-tap", o.create_tap, "With -i: create the TAP device for this run");
    run->add_option("--duration", o.duration, "With -i: end the live run after TIME, e.g. 10s");
    run->add_option("--address", o.address,
                    "With -i: the co-existing OS's address (default 10.0.2.15/24)");
    run->add_option("--server", o.server,
                    "With -i: ask the Fig. 6 server at ADDR:PORT (scripts/fig6_server.py) for "
                    "-c frames of --sizes");
    run->add_option("--scenario", o.scenario,
                    "intruder: a compromised co-existing OS against the monitor (chapter 8)");
    run->add_option("--seed", o.seed, "With --scenario intruder: what the intruder does")
        ->each([&o](const std::string&) { o.seed_given = true; });
    run->add_option("--guest-capture", o.guest_capture,
                    "With --scenario intruder: write the co-existing OS's own capture here");
    run->add_option("-c", o.count, "Stop after COUNT frames (replay) / request COUNT (scenario)");
    run->add_option("--sizes", o.sizes, "Scenario frame sizes, e.g. 53,128,1514");
    run->add_option("--rx-buffer", o.rx_buffer, "Driver receive buffer bytes (60..8191)")
        ->capture_default_str();
    run->add_option("--memory", o.memory, "Physical memory size")->capture_default_str();
    run->add_option("--trace", o.trace, "Trace flags: all or boot,sched,irq,io,mem,nic,net");
    run->add_option("-w", o.write_file, "Write the log here (default capture.pcap)");
    run->add_option("--format", o.format, "Log format: pcap, pcapng or text (default: from -w)");
    run->add_option("-s", o.snaplen, "Bytes of each packet to log")->capture_default_str();
    run->add_option("--offset", o.offset, "Where in each packet the logged slice starts");
    run->add_option("--rules", o.rules_file, "Rule file (instead of a filter expression)");
    run->add_option("--log-area", o.log_area, "Size of the monitor's log area")
        ->capture_default_str();
    run->add_option("--poll-interval", o.poll_interval, "How often the monitor reads the log area")
        ->capture_default_str();
    run->add_option("--stats-json", o.stats_json, "Write the statistics as JSON here");
    run->add_option("--rules-at", o.rules_at,
                    "At simulated TIME, switch to the rules in FILE (TIME:FILE)");
    run->add_option("--pace", o.pace,
                    "Replay pacing: hold (the wire waits while the card has no free UPD, as "
                    "802.3x PAUSE) or recorded (the card drops what it cannot take)")
        ->capture_default_str();
    run->add_option("--speed", o.speed,
                    "Replay speed: divide the capture's gaps by X, or max (back to back at the "
                    "link speed)")
        ->capture_default_str();
    run->add_option("--link-speed", o.link_speed, "The wire's speed in bit/s, e.g. 100M or 1G")
        ->capture_default_str();
    run->add_option("filter", o.filter, "A tcpdump filter expression");
}

void report_pseudo_nic_counters(const pseudonic::PseudoNic& p, std::ostream& out) {
    const pseudonic::PseudoNicCounters& c = p.counters();
    char per[32];
    std::snprintf(per, sizeof per, "%.2f",
                  c.rx_interrupts ? double(c.traps) / double(c.rx_interrupts) : 0.0);
    out << "pseudo  traps=" << c.traps << " forwarded=" << c.forwarded
        << " interrupts=" << c.rx_interrupts
        << " while_preceding=" << c.rx_interrupts_preceding_running
        << " while_coexisting=" << c.rx_interrupts_coexisting_running
        << " published=" << c.frames_published << " security_events=" << p.security().total()
        << '\n';
    if (p.transmit_logged_unsent() != 0) {
        out << "pseudo  tx_logged_unsent=" << p.transmit_logged_unsent()
            << " (frames logged, then dropped from the driver's chain before the card read them)\n";
    }
    for (std::size_t i = 0; i < pseudonic::kSecurityCauses; ++i) {
        const auto cause = static_cast<pseudonic::SecurityCause>(i);
        if (p.security().count(cause)) {
            out << "security " << pseudonic::to_string(cause) << "=" << p.security().count(cause)
                << '\n';
        }
    }
}

// [twinos:report-ledger]
int report_ledger(const edge::LossLedger& given, bool monitored, std::ostream& out,
                  std::ostream& err) {
    edge::LossLedger ledger = given;
    if (const char* skew = std::getenv("TWINOS_TEST_LEDGER_SKEW")) {
        ledger.expect_equal("test hook TWINOS_TEST_LEDGER_SKEW", 0,
                            std::strtoull(skew, nullptr, 10));
    }
    out << ledger.table();
    for (const edge::LedgerStage& s : ledger.stages()) {
        for (const edge::LedgerItem& i : s.away) {
            if (!i.lost || i.frames == 0) continue;
            err << "twinos run: warning: " << i.frames << " frames lost at " << s.name << ": "
                << i.why << (i.avoid.empty() ? "" : " (" + i.avoid + " avoids it)") << '\n';
        }
    }
    if (monitored) {
        // tcpdump's closing lines, with the counts they mean here (chapter 6).
        auto count = [&](const char* stage) {
            const edge::LedgerStage* s = ledger.stage(stage);
            return s ? s->lost() : 0;
        };
        const edge::LedgerStage* file = ledger.stage("file");
        const edge::LedgerStage* ring = ledger.stage("ring");
        err << (file ? file->out : 0) << " packets captured\n"
            << (ring ? ring->in : 0) << " packets received by filter\n"
            << count("ring") << " packets dropped by kernel\n"
            << count("host") + count("wire") + count("driver") << " packets dropped by interface\n";
    }
    const std::vector<std::string> problems = ledger.problems();
    for (const std::string& p : problems) {
        err << "twinos run: error: the loss ledger does not add up (a bug): " << p << '\n';
    }
    return problems.empty() ? 0 : 1;
}
// [/twinos:report-ledger]

int report_input_error(std::ostream& err) {
    try {
        throw;
    } catch (const std::invalid_argument& e) {
        err << "twinos run: error: " << e.what() << '\n';
    } catch (const monitor::RuleFileError& e) {
        err << "twinos run: error: " << e.what() << '\n';
    } catch (const edge::ReplayError& e) {
        err << "twinos run: error: " << e.what() << '\n';
    } catch (const machine::ConfigError& e) {
        err << "twinos run: error: " << e.what() << '\n';
    } catch (const edge::TapError& e) {
        err << "twinos run: error: " << e.what() << '\n';
    }
    return 2;
}

int run_run(const RunOptions& o, std::ostream& out, std::ostream& err) {
    if (!o.scenario.empty() || o.seed_given || !o.guest_capture.empty()) {
        return run_intruder_scenario(o, out, err);
    }
    if (!o.original) return run_monitored(o, out, err);
    os::TwinOsOptions options;
    MachineConfig config;
    std::uint32_t trace_mask = 0;
    edge::Fig6Options scenario;
    edge::ReplayPacing pacing;
    std::unique_ptr<edge::PcapReplay> replay;
    std::optional<edge::LiveOptions> live;
    try {
        const std::uint64_t memory = parse_size(o.memory);
        config = MachineConfig::original(memory);
        trace_mask = parse_trace_flags(o.trace);
        replay = prepare_traffic(o, config, options, scenario, pacing);
        live = prepare_live(o, options, scenario);
    } catch (...) {
        return report_input_error(err);
    }

    // Original: the co-existing OS owns the card. Otherwise the preceding OS
    // owns it and serves it through the pseudo NIC (the monitor comes next).
    os::TwinOs twin(config, options);
    edge::TxRecorder sent(0);  // count what the co-existing OS sends
    twin.machine().link().add_sink(sent);
    twin.machine().trace().set_mask(trace_mask);
    twin.machine().trace().echo_to(&out);
    int status = 0;
    std::optional<edge::LiveSession> session;
    if (live) {
        out << "== twinos run --original -i " << o.interface << " ==\n";
        session.emplace(twin, std::move(*live));
        install_stop_handlers();
        session->run([] { return stop_was_requested(); });
        if (session->options().server) report_client(session->client(), scenario.count, out);
        report_live(*session, twin, out);
        status = live_status(*session, err);
    } else if (replay) {
        out << "== twinos run --original -r " << o.read_file << " ==\n";
        edge::CountedSource source(*replay, o.count);
        twin.boot();
        // Let both kernels boot and the driver come up, then start the wire.
        twin.run_until(milliseconds(1));
        twin.machine().link().set_replay_pace(pacing.pace, pacing.speed);
        twin.machine().link().play(source, twin.machine().clock().now());
        // Run from arrival to arrival; idle stretches between them cost nothing.
        try {
            while (twin.machine().link().playing()) edge::advance_replay(twin);
        } catch (const edge::ReplayError& e) {
            err << "twinos run: error: " << e.what() << '\n';
            status = 1;
        }
        twin.run_until(twin.machine().clock().now() + milliseconds(1));  // drain
        if (replay->error()) {
            err << "twinos run: error: " << *replay->error() << '\n';
            status = 2;
        }
    } else {
        out << "== twinos run --original: built-in scenario (paper Fig. 6) ==\n";
        edge::Fig6Scenario fig6(twin, scenario);
        const bool complete = fig6.run();
        report_client(fig6.client(), scenario.count, out);
        if (!complete) {
            err << "twinos run: error: the client did not receive every frame it asked for\n";
            status = 1;
        }
    }
    twin.machine().trace().echo_to(nullptr);
    report_layers(twin, sent, out);
    out << "halt\n" << twin.machine().halt().format();
    edge::LossLedger account = edge::receive_ledger(twin);
    if (session) edge::add_host_stage(account, *session, twin.machine().link());
    const int ledger = report_ledger(account, false, out, err);
    return status != 0 ? status : ledger;
}

}  // namespace twinos::cli
