// SPDX-License-Identifier: MIT
// Acquisition: the packet acquisition part, in the preceding OS's kernel.
// Part of the packet acquisition part (preceding OS kernel).
//
// Paper §3.2, all four problems (named "§3.2 problem N" in the code):
//   1. *When*: in the pseudo NIC's step (A), after the card completed the
//      upload and before the co-existing OS's driver sees the packet (and,
//      for transmit, when the pseudo NIC takes the driver's DPD, before the
//      card reads it). The packet is filtered and sliced where it lies, in
//      the co-existing OS's buffer -- never copied before that.
//   2. *Where*: the log area is the monitor AP's memory. The init system
//      call copies the AP's mappings of its log area and management
//      structure into the address space receive processing runs in; the
//      stop system call puts that address space back exactly.
//   3. *Positions*: LogRing.
//   4. *What*: the rule table (CopyRule), swapped whole by a system call.
//
// System calls of the preceding kernel (numbers as registered):
//   500 init(control, area, area_bytes) -- 501 set_rules(table, bytes, err,
//   err_bytes) -- 502 stop(). Each returns 0 or a negative errno.
//
// Paper: §3.2, §3.3 steps 1, 2 and 4. Chapter: chapters/05-packet-acquisition.rst.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "capture/copy_rule.h"
#include "capture/log_ring.h"
#include "pseudonic/pseudo_nic.h"
#include "twinos/machine/host_timing.h"
#include "twinos/machine/machine.h"
#include "twinos/os/kernel.h"

namespace capture {

/// What the acquisition part has done.
struct AcquisitionStats {
    std::uint64_t seen_rx = 0;              ///< Received frames looked at (errored too).
    std::uint64_t seen_tx = 0;              ///< Transmitted frames looked at.
    std::uint64_t skipped_errored = 0;      ///< Received with an error (not delivered): not judged.
    std::uint64_t inactive = 0;             ///< Seen while no monitor was attached: not judged.
    std::uint64_t not_matched = 0;          ///< Judged, and no rule took them.
    std::uint64_t matched = 0;              ///< Frames a rule accepted.
    std::uint64_t logged = 0;               ///< Records written into the ring.
    std::uint64_t bpf_instructions = 0;     ///< Filter instructions executed.
    std::uint64_t bytes_copied = 0;         ///< Slice bytes copied into the ring.
    std::uint64_t rule_swaps = 0;           ///< Rule tables installed.
    twinos::machine::HostTiming copy_host;  ///< Host time of each ring copy (Fig. 7).
};

/// The packet acquisition part.
class Acquisition {
public:
    /// System call numbers.
    static constexpr std::uint32_t kSysInit = 500;
    static constexpr std::uint32_t kSysSetRules = 501;  ///< See the file comment.
    static constexpr std::uint32_t kSysStop = 502;      ///< See the file comment.
    /// Linux errno: invalid argument (returned negated).
    static constexpr std::int64_t kEINVAL = 22;
    /// Linux errno: already running.
    static constexpr std::int64_t kEBUSY = 16;
    /// Linux errno: an address not mapped in the caller.
    static constexpr std::int64_t kEFAULT = 14;

    /// Attach to `pnic` in the preceding OS `host` and register the system calls.
    Acquisition(twinos::os::Kernel& host, twinos::machine::Machine& machine,
                pseudonic::PseudoNic& pnic);

    // Acquisition — public interface (what the system calls do)

    /// §3.2 problem 2: make `ap`'s log area and management structure reachable
    /// from receive processing, and start logging with the default rules.
    /// @return 0, -EINVAL (bad ranges), -EFAULT (not mapped), -EBUSY (already running).
    std::int64_t init(twinos::os::Process& ap, twinos::machine::VirtAddr control,
                      twinos::machine::VirtAddr area, std::uint64_t area_bytes);

    /// §3.2 problem 4: replace the rule table, whole. Copying stops while it is
    /// set; an invalid table changes nothing.
    /// @return the first problem, or nothing when installed.
    std::optional<RuleError> set_rules(RuleTable rules);

    /// Stop logging and restore the receive-processing address space exactly.
    /// @return 0, or -EINVAL when not running.
    std::int64_t stop();

    /// True between init and stop.
    bool active() const { return ring_ != nullptr; }
    /// The rules in force.
    const RuleTable& rules() const { return rules_; }
    /// What has been done.
    const AcquisitionStats& stats() const { return stats_; }
    /// The address space receive processing runs in.
    twinos::machine::AddressSpace& rx_space() { return rx_space_; }
    /// The writer's ring (tests look at its management structure).
    const LogRing* ring() const { return ring_.get(); }

private:
    // Inline into the two observers, its only callers (acquisition.cpp): a
    // frame's acquisition is then one call from step (A), chapter 7.
    [[gnu::always_inline]] inline void on_frame(
        Direction direction, std::span<const std::pair<std::uint32_t, std::uint32_t>> fragments,
        std::uint32_t length, std::uint32_t original_length, std::int64_t wire_time_ns);
    void register_system_calls();

    twinos::os::Kernel& host_;
    twinos::machine::Machine& machine_;
    twinos::machine::AddressSpace rx_space_;
    std::optional<twinos::machine::MappingPatch> patch_;
    std::unique_ptr<LogRing> ring_;
    RuleTable rules_ = default_rules();
    AcquisitionStats stats_;
    std::vector<std::byte> gather_;  // only for frames in more than one fragment
    // The ring append, timed in host time into stats_.copy_host.
    [[gnu::noinline]] bool append_timed(const RecordHeader& header,
                                        std::span<const std::byte> bytes);
};

}  // namespace capture
