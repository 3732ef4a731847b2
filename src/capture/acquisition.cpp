// SPDX-License-Identifier: MIT
// Acquisition: the system calls, and filtering and copying in step (A).
#include "capture/acquisition.h"

#include <algorithm>
#include <optional>

#include "twinos/machine/costs.h"
#include "twinos/machine/el3_registers.h"

namespace capture {

using namespace twinos::machine;

Acquisition::Acquisition(twinos::os::Kernel& host, Machine& machine, pseudonic::PseudoNic& pnic)
    : host_(host),
      machine_(machine),
      // Receive processing works on the co-existing OS's memory (the
      // pseudo NIC reads its descriptors and buffers) and, once the monitor
      // starts, on the monitor AP's log area in the preceding OS.
      rx_space_("preceding:rx-processing", machine.memory(),
                {machine.partition(OsId::Coexisting), machine.partition(OsId::Preceding)}) {
    // [capture:when]
    // §3.2 problem 1: acquire in step (A), after the card wrote the frame and
    // before the driver is told -- afterwards the buffer may be reused.
    pnic.set_receive_observer([this](const pseudonic::UploadedFrame& frame) {
        if (frame.status & el3::kUpdError) {
            ++stats_.seen_rx;
            ++stats_.skipped_errored;  // the driver drops it; so do we
            return;
        }
        const std::uint32_t length = frame.status & el3::kUpdLengthMask;
        on_frame(Direction::Rx, frame.fragments(), length, std::max(length, frame.original_length),
                 frame.wire_time_ns);
    });
    // Transmit: when the pseudo NIC takes the driver's DPD, before the card reads it.
    pnic.set_transmit_observer(
        [this](std::span<const std::pair<std::uint32_t, std::uint32_t>> f, std::int64_t wall_ns) {
            std::uint32_t length = 0;
            for (auto [addr, len] : f) length += len;
            on_frame(Direction::Tx, f, length, length, wall_ns);
        });
    // [/capture:when]
    register_system_calls();
}

// [capture:init]
std::int64_t Acquisition::init(twinos::os::Process& ap, VirtAddr control, VirtAddr area,
                               std::uint64_t area_bytes) {
    if (ring_) return -kEBUSY;
    if (!control.page_aligned() || !area.page_aligned() || area_bytes == 0 ||
        area_bytes % kPageSize != 0 || (control >= area && control < area + area_bytes)) {
        return -kEINVAL;
    }
    // §3.2 problem 2: copy the AP's mappings of both ranges into the address
    // space receive processing runs in. No kernel buffer in between: step
    // (A) will write straight into the AP's pages.
    const VirtAddr low = std::min(control, area);
    const VirtAddr high = std::max(control + kPageSize, area + area_bytes);
    patch_ = rx_space_.copy_mappings(ap.space, low, high.value() - low.value());
    if (!patch_) return -kEFAULT;
    auto control_region = MappedRegion::map(rx_space_, machine_.memory(), control, kPageSize);
    auto area_region = MappedRegion::map(rx_space_, machine_.memory(), area, area_bytes);
    if (!control_region || !area_region) {
        rx_space_.restore(*patch_);
        patch_.reset();
        return -kEFAULT;
    }
    ring_ = std::make_unique<LogRing>(std::move(*control_region), std::move(*area_region));
    ring_->initialise();
    rules_ = default_rules();
    host_.trace(TraceFlag::Net, "capture: log area of " + std::to_string(area_bytes) +
                                    " bytes at " + hex(area.value(), 8) + " in " + ap.name);
    return 0;
}
// [/capture:init]

// [capture:set-rules]
std::optional<RuleError> Acquisition::set_rules(RuleTable rules) {
    // Check everything before touching anything: a bad table changes nothing.
    if (auto error = validate_rules(rules)) return error;
    // The paper stops copying while rules are being set. Here the swap is a
    // single assignment inside one system call, which step (A) can never
    // interrupt, so no packet is judged by half of one table and half of
    // another: copying is stopped for exactly the length of the assignment.
    rules_ = std::move(rules);
    ++stats_.rule_swaps;
    return std::nullopt;
}
// [/capture:set-rules]

std::int64_t Acquisition::stop() {
    if (!ring_) return -kEINVAL;
    ring_.reset();
    // Put the receive-processing address space back exactly as it was.
    rx_space_.restore(*patch_);
    patch_.reset();
    return 0;
}

// [capture:on-frame]
void Acquisition::on_frame(Direction direction,
                           std::span<const std::pair<std::uint32_t, std::uint32_t>> fragments,
                           std::uint32_t length, std::uint32_t original_length,
                           std::int64_t wire_time_ns) {
    ++(direction == Direction::Rx ? stats_.seen_rx : stats_.seen_tx);
    if (!ring_) {
        ++stats_.inactive;
        return;
    }
    // The packet where it lies: in the co-existing OS's buffer. Only a
    // frame spread over several fragments has to be gathered first.
    std::span<const std::byte> packet;
    if (fragments.size() == 1 || fragments.front().second >= length) {
        packet = machine_.memory().span(PhysAddr{fragments.front().first}, length);
    } else {
        gather_.clear();
        for (auto [addr, len] : fragments) {
            const std::uint32_t take = std::min<std::uint32_t>(len, length - gather_.size());
            auto part = machine_.memory().span(PhysAddr{addr}, take);
            gather_.insert(gather_.end(), part.begin(), part.end());
        }
        packet = gather_;
    }
    // §3.2 problem 4: the first rule whose filter accepts the packet decides.
    const CopyRule* rule = nullptr;
    std::uint64_t instructions = 0;
    for (const CopyRule& r : rules_) {
        // BPF's `len` is the packet's length on the wire, as in libpcap.
        if (rule_accepts(r, packet, original_length, instructions)) {
            rule = &r;
            break;
        }
    }
    stats_.bpf_instructions += instructions;
    Ticks cost = machine_.cpu().costs().bpf_instruction * static_cast<std::int64_t>(instructions);
    if (rule == nullptr) ++stats_.not_matched;
    if (rule != nullptr) {
        ++stats_.matched;
        ring_->count_match();
        // Clamped to the bytes actually here (a rule's offset may lie past
        // the packet's end: then the slice is empty, never out of range).
        const Slice slice = clamp_slice(*rule, static_cast<std::uint32_t>(packet.size()));
        RecordHeader header;
        header.timestamp_ns = static_cast<std::uint64_t>(wire_time_ns);
        header.original_length = original_length;
        header.captured_length = slice.length;
        header.slice_offset = slice.offset;
        header.direction = direction;
        header.rule_id = rule->id;
        const auto bytes = slice.length == 0 ? std::span<const std::byte>{}
                                             : packet.subspan(slice.offset, slice.length);
        // (Timed in host time only while the trace asks: chapter 7's Fig. 7.)
        if (machine_.trace().host_timing() ? append_timed(header, bytes)
                                           : ring_->append(header, bytes)) {
            ++stats_.logged;
        }
        stats_.bytes_copied += slice.length;
        cost += machine_.cpu().costs().copy(slice.length);
    }
    // The work is done on whichever OS's time the pseudo NIC runs in.
    machine_.cpu().charge(machine_.cpu().running(), cost);
    // Step (A)'s copy, in the trace where it happens: inside step (A) or
    // the trapped transmit, so stamped with the CPU's time, when it is done.
    // (Checked first, the values captured by value, so that nothing is set
    // up for a line that is not kept: chapter 7's fifth round.)
    if (!machine_.trace().enabled(TraceFlag::Net)) [[likely]]
        return;
    machine_.trace().emit_if(
        TraceFlag::Net, machine_.clock().now(),
        [direction, length, rule_id = rule ? std::optional(rule->id) : std::nullopt,
         copied = stats_.bytes_copied] {
            return std::string("capture: ") + (direction == Direction::Rx ? "rx " : "tx ") +
                   std::to_string(length) + " bytes " +
                   (rule_id ? "logged by rule " + std::to_string(*rule_id) + ", " +
                                  std::to_string(copied) + " bytes copied so far"
                            : "matched no rule");
        });
}
// [/capture:on-frame]

bool Acquisition::append_timed(const RecordHeader& header, std::span<const std::byte> bytes) {
    HostTimer timer(stats_.copy_host, true);
    return ring_->append(header, bytes);
}

void Acquisition::register_system_calls() {
    using Args = std::span<const std::uint64_t>;
    host_.register_syscall(kSysInit, "capture_init", [this](twinos::os::Process& p, Args a) {
        if (a.size() < 3) return -kEINVAL;
        return init(p, VirtAddr{a[0]}, VirtAddr{a[1]}, a[2]);
    });
    host_.register_syscall(
        kSysSetRules, "capture_set_rules", [this](twinos::os::Process& p, Args a) {
            if (a.size() < 4 || a[1] > (1u << 20)) return -kEINVAL;
            std::vector<std::byte> bytes(a[1]);
            try {
                p.space.read(VirtAddr{a[0]}, bytes);
            } catch (const PageFault&) {
                return -kEFAULT;
            }
            auto table = parse_rules(bytes);
            std::string message = table ? "" : "malformed rule table";
            if (table) {
                if (auto error = set_rules(*table)) message = error->message(*table);
            }
            if (message.empty()) return std::int64_t{0};
            // Say what was wrong, in the caller's error buffer.
            const std::size_t n = std::min<std::size_t>(message.size(), a[3] ? a[3] - 1 : 0);
            std::vector<std::byte> text(n + 1, std::byte{0});
            for (std::size_t i = 0; i < n; ++i) text[i] = std::byte(message[i]);
            try {
                if (a[3]) p.space.write(VirtAddr{a[2]}, text);
            } catch (const PageFault&) {
                return -kEFAULT;
            }
            return -kEINVAL;
        });
    host_.register_syscall(kSysStop, "capture_stop",
                           [this](twinos::os::Process&, Args) { return stop(); });
}

}  // namespace capture
