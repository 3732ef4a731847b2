// SPDX-License-Identifier: MIT
// Trace: per-subsystem event tracing, every line stamped in simulated ticks.
// Part of the simulated machine; OS code and labs never edit this.
//
// Nachos' `DEBUG(flag, ...)` made a teaching machine watchable; this is the
// same idea. Each subsystem has a flag (`sched`, `irq`, `io`, ...); a line is
// kept only when its flag is on. Because the machine is deterministic the
// trace is too, so traces serve as golden files, lab hints and figures, and
// a hash of the trace is a cheap determinism check.
//
// Interface:
//   - `parse_trace_flags("sched,irq")`: the command-line form, with a clear
//     error naming an unknown flag;
//   - `enabled(flag)`, `emit(flag, now, text)`;
//   - `hash()`: FNV-1a over every emitted line; `lines()` when kept in memory.
//
// Chapter: chapters/02-twinos.rst.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "twinos/machine/ticks.h"

namespace twinos::machine {

/// One traceable subsystem. Values are bits of a mask.
enum class TraceFlag : std::uint32_t {
    Boot = 1u << 0,   ///< Kernel boot steps and console output.
    Sched = 1u << 1,  ///< OS switches and time sharing.
    Irq = 1u << 2,    ///< Interrupt raise, coalesce and delivery.
    Io = 1u << 3,     ///< Every port I/O instruction and how it was routed.
    Mem = 1u << 4,    ///< Address-space changes (map, unmap, copy, restore).
    Nic = 1u << 5,    ///< NIC engines: arrivals, DMA, descriptors, commands.
    Net = 1u << 6,    ///< Drivers and the kernels' network input and output.
};

/// The flags a trace mask may hold, in the order `--trace=all` lists them.
inline constexpr TraceFlag kAllTraceFlags[] = {TraceFlag::Boot, TraceFlag::Sched, TraceFlag::Irq,
                                               TraceFlag::Io,   TraceFlag::Mem,   TraceFlag::Nic,
                                               TraceFlag::Net};

/// The name of a flag as written on the command line.
std::string_view to_string(TraceFlag flag);

/// Parse a comma-separated flag list such as `sched,irq,io`, or `all`, or ``.
/// @throws std::invalid_argument naming the unknown flag and its position.
std::uint32_t parse_trace_flags(std::string_view list);

/// The machine's trace: a filtered, tick-stamped log of what happened.
class Trace {
public:
    // Trace — public interface

    /// Turn on exactly the flags in `mask`.
    void set_mask(std::uint32_t mask) { mask_ = mask; }
    /// The current flag mask.
    std::uint32_t mask() const { return mask_; }
    /// True when lines for `flag` are kept.
    bool enabled(TraceFlag flag) const { return (mask_ & static_cast<std::uint32_t>(flag)) != 0; }

    /// Time our own code per step in host time (chapter 7's Table 1). Off by
    /// default: two clock reads per step are a large share of a fast run.
    void set_host_timing(bool on) { host_timing_ = on; }
    /// True when steps record their host time.
    bool host_timing() const { return host_timing_; }

    /// Also write each kept line to `out` as it is emitted (nullptr: stop).
    void echo_to(std::ostream* out) { echo_ = out; }
    /// Keep every emitted line in memory for `lines()` (tests, golden files).
    void keep_lines(bool keep) { keep_ = keep; }

    /// Record one line for `flag` at time `now`, if the flag is enabled --
    /// or, inside a `CpuWork` scope, at the CPU's time (see `set_cpu_clock`).
    void emit(TraceFlag flag, Ticks now, std::string_view text);
    /// Emit the line `make_text()` builds, stamped `now`, when `flag` is on.
    /// The text is built in a cold function of its own, so a hot caller
    /// carries no string code -- nor the registers it needs -- on its
    /// common path, where tracing is off.
    template <class MakeText>
    void emit_if(TraceFlag flag, Ticks now, const MakeText& make_text) {
        if (enabled(flag)) [[unlikely]]
            emit_built(flag, now, make_text);
    }
    /// Record one line at exactly `at` (work whose time its caller knows).
    void emit_at(TraceFlag flag, Ticks at, std::string_view text);

    /// Where the CPU's time stands: when the work charged so far ends. An
    /// event runs at once on the clock, but the work it charges takes time,
    /// and the instructions inside it happen along that time (chapter 2).
    void set_cpu_clock(std::function<Ticks()> free_at) { cpu_free_at_ = std::move(free_at); }
    /// `now`, or the CPU's time when that is later.
    Ticks cpu_time(Ticks now) const { return cpu_free_at_ ? later_of(now, cpu_free_at_()) : now; }
    /// While one lives, lines are stamped with the CPU's time: an I/O
    /// instruction and whatever a device does inside it happen then.
    class CpuWork {
    public:
        /// Enter CPU work on `trace`.
        explicit CpuWork(Trace& trace) : trace_(trace) { ++trace_.cpu_work_; }
        ~CpuWork() { --trace_.cpu_work_; }
        CpuWork(const CpuWork&) = delete;
        CpuWork& operator=(const CpuWork&) = delete;

    private:
        Trace& trace_;
    };

    /// The lines kept so far (only when `keep_lines(true)`).
    const std::vector<std::string>& lines() const { return lines_; }
    /// The number of lines emitted so far.
    std::uint64_t count() const { return count_; }
    /// FNV-1a hash of every emitted line, in order: equal runs, equal hashes.
    std::uint64_t hash() const { return hash_; }

private:
    template <class MakeText>
    [[gnu::noinline, gnu::cold]] void emit_built(TraceFlag flag, Ticks now,
                                                 const MakeText& make_text) {
        emit(flag, now, make_text());
    }

    // Trace — state
    std::uint32_t mask_ = 0;
    std::ostream* echo_ = nullptr;
    bool keep_ = false;
    bool host_timing_ = false;
    std::vector<std::string> lines_;
    std::uint64_t count_ = 0;
    std::uint64_t hash_ = 14695981039346656037ull;  // FNV-1a offset basis
    std::function<Ticks()> cpu_free_at_;
    int cpu_work_ = 0;  // CpuWork scopes open
};

/// Format `value` as `0x` followed by exactly `digits` hex digits.
std::string hex(std::uint64_t value, int digits);

}  // namespace twinos::machine
