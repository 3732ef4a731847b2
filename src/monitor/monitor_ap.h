// SPDX-License-Identifier: MIT
// MonitorAp: the monitor application in the preceding OS -- the paper's four steps.
// Part of the monitor AP (preceding OS user space).
//
// Paper §3.3, steps 1-4 (named "§3.3 step N" in the code):
//   (1) start-up: allocate the log area and its management structure in the
//       AP's own address space and call the init system call;
//   (2) rules: build the rule table from a rule file or the command line and
//       hand it down by system call -- again later to change them;
//   (3) periodic read: check the management structure, take the new records,
//       write them to the log file, advance the read position;
//   (4) termination: a last read, then the stop system call, which restores
//       the address space changed at start-up.
// The AP is a process of the preceding OS: every step runs while that OS
// holds the CPU (MonitoredRun wakes it with the kernel's timer), and step
// (3) is charged its CPU time -- a wake-up plus a copy per record -- as a
// process's work: it takes the preceding OS's idle CPU time, and the pseudo
// NIC's step (A), an interrupt handler, preempts it, as it would a process.
// Steps (1), (2) and (4) are system calls; step (3) only reads the AP's own
// memory. Where the log goes is the caller's choice (`open_log`): a file
// writer, or one that writes on another thread (chapter 7).
//
// Chapter: chapters/06-monitor-ap.rst.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "capture/capture_system.h"
#include "capture/log_reader.h"
#include "monitor/log_writer.h"
#include "monitor/rule_file.h"

namespace monitor {

/// Opens the AP's log once the kernel accepted the rules; `snaplen` is the
/// largest slice any rule takes. @throws WriteError
using LogOpener = std::function<std::unique_ptr<LogWriter>(std::uint32_t snaplen)>;

/// How the monitor AP is set up.
struct MonitorOptions {
    std::uint64_t log_area_bytes = 16ull << 20;  ///< The log area (default 16 MiB).
    RuleSet rules;                               ///< What to log.
    Format format = Format::Pcap;                ///< The output format.
    std::string output = "capture.pcap";         ///< The output file.
    /// How to open the log; empty: `open_writer(format, output, snaplen)`.
    LogOpener open_log;
};

/// The monitor application.
class MonitorAp {
public:
    /// Where the AP maps its management structure and log area.
    static constexpr std::uint64_t kControlVa = 0x40000000;
    /// The log area follows the management structure's page.
    static constexpr std::uint64_t kAreaVa = kControlVa + 0x1000;
    /// After the log area: room for the rule table handed to the kernel.
    static constexpr std::uint64_t kScratchBytes = 256 * 1024;

    /// A monitor on `system`, not started. Checks that the output format can
    /// hold what the rules take (pcap and pcapng need slices from offset 0).
    /// @throws RuleFileError when it cannot.
    MonitorAp(capture::CaptureSystem& system, MonitorOptions options);

    // MonitorAp — public interface

    /// §3.3 steps 1 and 2, in the preceding OS (call from its boot or while
    /// it runs). Nothing is written before the rules are in.
    /// @throws RuleFileError when the kernel refuses the rules.
    /// @throws WriteError when the output cannot be created.
    /// @throws std::runtime_error when the log area cannot be set up.
    void start(twinos::os::Kernel& preceding);

    /// §3.3 step 2 again: replace the rules, atomically. @pre the preceding OS runs.
    /// @throws RuleFileError with the kernel's reason; the old rules stay.
    void change_rules(const RuleSet& rules);

    /// §3.3 step 3: read every waiting record into the output, and charge the
    /// preceding OS for it (`CostModel::monitor_poll` plus one copy per
    /// record). @pre the preceding OS runs. @return records read.
    std::uint64_t poll();
    /// True when a poll now would find no record waiting.
    bool log_empty() const {
        return reader_->field(capture::control::kReadPos) ==
               reader_->field(capture::control::kWritePos);
    }

    /// §3.3 step 4: a last read, the stop system call, and the file finished
    /// with the totals -- `interface` gives what the interface received and
    /// dropped (the operator's view of the card, for pcapng's statistics).
    /// @pre the preceding OS runs. @return the totals written.
    CaptureTotals stop(const CaptureTotals& interface = {});

    /// True between start and stop.
    bool running() const { return writer_ != nullptr; }
    /// Records lost to overwrite so far (sequence gaps seen by the reader).
    std::uint64_t lost() const { return reader_ ? reader_->lost() : 0; }
    /// Records read so far.
    std::uint64_t captured() const { return reader_ ? reader_->read() : 0; }
    /// Polls made so far.
    std::uint64_t polls() const { return polls_; }
    /// Records handed to the log writer so far.
    std::uint64_t written() const { return written_; }
    /// A field of the log area's management structure (record_format.h).
    std::uint64_t log_field(std::uint32_t offset) const { return reader_->field(offset); }

private:
    std::int64_t syscall(std::uint32_t nr, std::vector<std::uint64_t> args);

    capture::CaptureSystem& system_;
    MonitorOptions options_;
    twinos::os::Kernel* kernel_ = nullptr;
    twinos::os::Process* process_ = nullptr;
    std::unique_ptr<capture::LogReader> reader_;
    std::unique_ptr<LogWriter> writer_;
    std::uint64_t polls_ = 0;
    std::uint64_t written_ = 0;
    std::uint64_t lost_written_ = 0;  // losses already reported in the output
};

}  // namespace monitor
