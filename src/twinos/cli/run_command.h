// SPDX-License-Identifier: MIT
// `twinos run`: run the twin machine on traffic -- a replayed capture or the
// paper's built-in scenario -- and report what arrived.
//
// tcpdump's conventions where they apply: `-r FILE` replays a capture, `-i
// TAP` joins a host TAP device in real time (a live wire), `-w
// FILE` writes the log, `-s` the slice size, `-c COUNT` stops after COUNT
// frames, and a trailing filter expression chooses the packets. By default
// the full system runs: the pseudo NIC, the acquisition part and the monitor
// AP. `--original` runs the baseline instead: the co-existing OS owns the
// NIC, nothing is monitored -- the paper's Table 1, first column.
//
// Chapter: chapters/03-nic.rst.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "twinos/edge/live_session.h"
#include "twinos/machine/link.h"

namespace CLI {
class App;
}
namespace twinos::os {
class Fig6Client;
class TwinOs;
struct TwinOsOptions;
}  // namespace twinos::os
namespace twinos::edge {
class TxRecorder;
class PcapReplay;
class Fig6Scenario;
struct Fig6Options;
struct ReplayPacing;
class LossLedger;
}  // namespace twinos::edge
namespace twinos::machine {
struct MachineConfig;
}
namespace pseudonic {
class PseudoNic;
}

namespace twinos::cli {

/// The options of `twinos run`, as typed.
struct RunOptions {
    bool original = false;              ///< `--original`: no pseudo NIC, no monitor.
    std::string read_file;              ///< `-r FILE`: replay this capture.
    std::string interface;              ///< `-i TAP`: a live wire on this TAP device.
    bool create_tap = false;            ///< `--create-tap`: make the TAP device.
    std::string duration;               ///< `--duration TIME`: a live run's length.
    std::string address;                ///< `--address ADDR/PREFIX` (live; 10.0.2.15/24).
    std::string server;                 ///< `--server ADDR:PORT`: a real Fig. 6 server.
    std::string scenario;               ///< `--scenario intruder` (chapter 8).
    std::uint64_t seed = 1;             ///< `--seed N`: the intruder's choices.
    bool seed_given = false;            ///< `--seed` was typed.
    std::string guest_capture;          ///< `--guest-capture FILE`: the guest's own pcap.
    std::int64_t count = -1;            ///< `-c COUNT`: frames to replay or request.
    std::string sizes;                  ///< `--sizes`: scenario frame sizes, e.g. 53,1514.
    std::uint32_t rx_buffer = 1536;     ///< `--rx-buffer`: the driver's buffer size.
    std::string memory = "256M";        ///< `--memory`.
    std::string trace;                  ///< `--trace`.
    std::string write_file;             ///< `-w FILE`: the log (default capture.pcap).
    std::string format;                 ///< `--format pcap|pcapng|text` (default: from -w).
    std::uint32_t snaplen = 1536;       ///< `-s SNAPLEN`: the slice size.
    std::uint32_t offset = 0;           ///< `--offset N`: where the slice starts.
    std::string rules_file;             ///< `--rules FILE`.
    std::string log_area = "16M";       ///< `--log-area SIZE`.
    std::string poll_interval = "1ms";  ///< `--poll-interval`.
    std::string stats_json;             ///< `--stats-json FILE`.
    std::string pace = "hold";          ///< `--pace hold|recorded`: a replay's pacing.
    std::string speed = "1";            ///< `--speed X|max`: a replay's speed.
    std::string link_speed = "100M";    ///< `--link-speed`: the wire's bit rate.
    std::vector<std::string> filter;    ///< The trailing filter expression, word by word.
    std::vector<std::string> rules_at;  ///< `--rules-at TIME:FILE`: change the rules then.
};

/// Add the `run` subcommand to `app`.
void add_run_command(CLI::App& app, RunOptions& options);

/// Run `twinos run`. @return 0 done, 1 runtime error, 2 usage or input error.
int run_run(const RunOptions& options, std::ostream& out, std::ostream& err);

/// The traffic both modes share: the wire's speed, the driver's buffer
/// size, the scenario's sizes and count, or the capture to replay (which
/// makes the co-existing OS promiscuous) and its pacing.
/// @throws std::invalid_argument for a bad option.
/// @throws edge::ReplayError for a capture that cannot be replayed.
/// @return the opened replay, or nullptr for the built-in scenario.
std::unique_ptr<edge::PcapReplay> prepare_traffic(const RunOptions& options,
                                                  machine::MachineConfig& config,
                                                  os::TwinOsOptions& twin_options,
                                                  edge::Fig6Options& scenario,
                                                  edge::ReplayPacing& pacing);
/// The live wire, when `-i` is given: check the live options, give the
/// co-existing OS its address (answering ARP and ping) and open the TAP
/// device. @throws std::invalid_argument for a bad or misplaced option.
/// @throws edge::TapError when the TAP device cannot be opened.
/// @return nothing without `-i`.
std::optional<edge::LiveOptions> prepare_live(const RunOptions& options,
                                              os::TwinOsOptions& twin_options,
                                              const edge::Fig6Options& scenario);
/// Print what crossed a live wire, and the co-existing OS's answers.
void report_live(const edge::LiveSession& live, os::TwinOs& twin, std::ostream& out);
/// Report the exception in flight, when it is bad input -- a wrong option,
/// a rule file that does not parse, a capture that cannot be replayed -- as
/// `twinos run: error: ...` on `err`. Call it only inside a `catch` block;
/// anything else is rethrown.
/// @return 2, the exit status for bad input.
int report_input_error(std::ostream& err);
/// Print the Fig. 6 client's line (`client` may be nullptr: it never started).
void report_client(const os::Fig6Client* client, std::uint32_t requested, std::ostream& out);
/// SIGINT and SIGTERM ask the run to stop (it ends with its output
/// complete); SIGPIPE is ignored, so a closed pipe is a named write error.
void install_stop_handlers();
/// True once SIGINT or SIGTERM arrived.
bool stop_was_requested();
/// Warn about frames a live wire could not carry, and report why it ended
/// badly. @return 0, or 1 when the device vanished or the client is short.
int live_status(const edge::LiveSession& live, std::ostream& err);

/// Print the per-layer report (wire, NIC, driver, stack).
void report_layers(os::TwinOs& twin, const edge::TxRecorder& sent, std::ostream& out);
/// Print the pseudo NIC's counters and security events.
void report_pseudo_nic_counters(const pseudonic::PseudoNic& p, std::ostream& out);

/// Print where every frame went: the ledger's table on `out`, a warning on
/// `err` for each loss (saying which option avoids it) and, for a monitored
/// run, tcpdump's closing lines on `err`. A ledger that does not add up is a
/// bug: say so with the numbers. (The environment variable
/// TWINOS_TEST_LEDGER_SKEW=N injects a mismatch of N, for the test that
/// proves the check is live.)
/// @return 0, or 1 when the ledger does not add up.
int report_ledger(const edge::LossLedger& ledger, bool monitored, std::ostream& out,
                  std::ostream& err);

/// The intruder scenario of chapter 8 (run_monitor.cpp). @return as `run_run`.
int run_intruder_scenario(const RunOptions& options, std::ostream& out, std::ostream& err);

/// The full monitor (run_monitor.cpp). @return as `run_run`.
int run_monitored(const RunOptions& options, std::ostream& out, std::ostream& err);

}  // namespace twinos::cli
