// SPDX-License-Identifier: MIT
// Trace: flag parsing, line formatting and the running hash.
// Part of the simulated machine; OS code and labs never edit this.
#include "twinos/machine/trace.h"

#include <cstdio>
#include <stdexcept>

namespace twinos::machine {

std::string_view to_string(TraceFlag flag) {
    switch (flag) {
        case TraceFlag::Boot: return "boot";
        case TraceFlag::Sched: return "sched";
        case TraceFlag::Irq: return "irq";
        case TraceFlag::Io: return "io";
        case TraceFlag::Mem: return "mem";
        case TraceFlag::Nic: return "nic";
        case TraceFlag::Net: return "net";
    }
    return "?";
}

std::uint32_t parse_trace_flags(std::string_view list) {
    std::uint32_t mask = 0;
    std::size_t start = 0;
    while (start <= list.size()) {
        std::size_t end = list.find(',', start);
        if (end == std::string_view::npos) end = list.size();
        std::string_view name = list.substr(start, end - start);
        if (name == "all") {
            for (TraceFlag f : kAllTraceFlags) mask |= static_cast<std::uint32_t>(f);
        } else if (!name.empty()) {
            bool known = false;
            for (TraceFlag f : kAllTraceFlags) {
                if (name == to_string(f)) {
                    mask |= static_cast<std::uint32_t>(f);
                    known = true;
                }
            }
            if (!known) {
                std::string valid = "all";
                for (TraceFlag f : kAllTraceFlags) valid += "," + std::string(to_string(f));
                throw std::invalid_argument("unknown trace flag '" + std::string(name) +
                                            "' at column " + std::to_string(start + 1) +
                                            " (valid: " + valid + ")");
            }
        }
        start = end + 1;
    }
    return mask;
}

void Trace::emit(TraceFlag flag, Ticks now, std::string_view text) {
    if (!enabled(flag)) return;
    emit_at(flag, cpu_work_ > 0 ? cpu_time(now) : now, text);
}

void Trace::emit_at(TraceFlag flag, Ticks now, std::string_view text) {
    if (!enabled(flag)) return;
    // Fixed-width tick stamp so that traces line up and diff cleanly.
    char stamp[40];
    std::snprintf(stamp, sizeof stamp, "[%12lld] %-5s ", static_cast<long long>(now.count()),
                  std::string(to_string(flag)).c_str());
    std::string line = stamp;
    line += text;
    for (unsigned char c : line) {
        hash_ = (hash_ ^ c) * 1099511628211ull;  // FNV-1a prime
    }
    hash_ = (hash_ ^ '\n') * 1099511628211ull;
    ++count_;
    if (echo_ != nullptr) *echo_ << line << '\n';
    if (keep_) lines_.push_back(std::move(line));
}

std::string hex(std::uint64_t value, int digits) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%0*llx", digits, static_cast<unsigned long long>(value));
    return buf;
}

}  // namespace twinos::machine
