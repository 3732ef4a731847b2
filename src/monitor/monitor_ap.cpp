// SPDX-License-Identifier: MIT
// MonitorAp: start-up, rules, the read loop and termination.
#include "monitor/monitor_ap.h"

#include <algorithm>
#include <stdexcept>

namespace monitor {

using namespace twinos::machine;
using capture::Acquisition;

MonitorAp::MonitorAp(capture::CaptureSystem& system, MonitorOptions options)
    : system_(system), options_(std::move(options)) {
    if (options_.format == Format::Text) return;
    for (std::size_t i = 0; i < options_.rules.table.size(); ++i) {
        const capture::CopyRule& r = options_.rules.table[i];
        if (r.offset != 0) {
            // A slice that does not start at the first byte has no Ethernet
            // header: it is not an Ethernet frame, and pcap would lie.
            throw RuleFileError("<rules>", 0, 0,
                                "rule '" + options_.rules.names[i] +
                                    "' takes its slice from offset " + std::to_string(r.offset) +
                                    ": pcap and pcapng need slices that start at the frame's first "
                                    "byte; use --format text");
        }
    }
}

std::int64_t MonitorAp::syscall(std::uint32_t nr, std::vector<std::uint64_t> args) {
    return kernel_->syscall(*process_, nr, args);
}

// [monitor:start]
void MonitorAp::start(twinos::os::Kernel& preceding) {
    kernel_ = &preceding;
    // §3.3 step 1: the log area and its management structure, in the AP's own memory.
    process_ = &preceding.spawn("monitor");
    const std::uint64_t pages = 1 + options_.log_area_bytes / kPageSize + kScratchBytes / kPageSize;
    if (!preceding.map_new_pages(process_->space, VirtAddr{kControlVa}, pages, Perm::ReadWrite)) {
        throw std::runtime_error("monitor: no memory for a log area of " +
                                 std::to_string(options_.log_area_bytes) + " bytes");
    }
    if (const std::int64_t r =
            syscall(Acquisition::kSysInit, {kControlVa, kAreaVa, options_.log_area_bytes})) {
        throw std::runtime_error("monitor: the init system call failed (" + std::to_string(r) +
                                 ")");
    }
    auto control = capture::MappedRegion::map(process_->space, system_.twin().machine().memory(),
                                              VirtAddr{kControlVa}, kPageSize);
    auto area = capture::MappedRegion::map(process_->space, system_.twin().machine().memory(),
                                           VirtAddr{kAreaVa}, options_.log_area_bytes);
    reader_ = std::make_unique<capture::LogReader>(std::move(*control), std::move(*area));
    // §3.3 step 2: the rules; only once the kernel has them is the output created.
    change_rules(options_.rules);
    std::uint32_t snaplen = 0;
    for (const capture::CopyRule& r : options_.rules.table) snaplen = std::max(snaplen, r.size);
    writer_ = options_.open_log ? options_.open_log(snaplen)
                                : open_writer(options_.format, options_.output, snaplen);
}
// [/monitor:start]

// [monitor:change-rules]
void MonitorAp::change_rules(const RuleSet& rules) {
    // The table goes down as bytes in the AP's memory, after the log area;
    // the kernel writes its reason there when it refuses.
    const auto bytes = capture::serialize_rules(rules.table);
    const std::uint64_t table_va = kAreaVa + options_.log_area_bytes;
    const std::uint64_t error_va = table_va + kScratchBytes - 1024;
    if (bytes.size() > kScratchBytes - 1024) {
        throw RuleFileError(
            "<rules>", 0, 0,
            "the rule table is too large (" + std::to_string(bytes.size()) + " bytes)");
    }
    process_->space.write(VirtAddr{table_va}, bytes);
    if (syscall(Acquisition::kSysSetRules, {table_va, bytes.size(), error_va, 1024}) != 0) {
        std::vector<std::byte> text(1024);
        process_->space.read(VirtAddr{error_va}, text);
        throw RuleFileError("<rules>", 0, 0,
                            std::string(reinterpret_cast<const char*>(text.data())));
    }
    options_.rules = rules;
}
// [/monitor:change-rules]

// [monitor:poll]
std::uint64_t MonitorAp::poll() {
    ++polls_;
    // §3.3 step 3: take everything waiting, oldest first; the reader moves
    // the read position on, and counts what the writer overwrote before we
    // got here. The AP pays for its wake-up and for copying each record out,
    // as a process: interrupts (the pseudo NIC's step A) preempt it.
    const twinos::machine::CostModel& costs = kernel_->costs();
    Ticks cost = costs.monitor_poll;
    const std::uint64_t read =
        reader_->drain([&](const capture::RecordHeader& h, std::span<const std::byte> slice) {
            const std::uint64_t lost_now = reader_->lost() - lost_written_;
            lost_written_ = reader_->lost();
            writer_->write(h, slice, lost_now);
            ++written_;
            cost += costs.copy(slice.size());
        });
    kernel_->charge_process(cost);
    return read;
}
// [/monitor:poll]

// [monitor:stop]
CaptureTotals MonitorAp::stop(const CaptureTotals& interface) {
    poll();  // §3.3 step 4: a last read ...
    const std::uint64_t matched = reader_->field(capture::control::kPacketsMatched);
    // ... then give back what start-up changed: the kernel restores the
    // receive-processing address space exactly.
    syscall(Acquisition::kSysStop, {});
    CaptureTotals totals = interface;
    totals.captured = reader_->read();
    totals.lost = reader_->lost();
    totals.matched = matched;
    totals.too_big = reader_->field(capture::control::kTooBig);
    writer_->finish(totals);
    writer_.reset();
    return totals;
}
// [/monitor:stop]

}  // namespace monitor
