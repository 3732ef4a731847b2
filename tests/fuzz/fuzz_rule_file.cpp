// SPDX-License-Identifier: MIT
// Fuzz target: the rule-file parser and libpcap's compiler behind it. Any
// text either parses into rules or is refused with file:line:col; every
// compiled filter passes the kernel's rules and gives libpcap's verdict on a
// few fixed packets.
#include <pcap/pcap.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "capture/bpf.h"
#include "monitor/rule_file.h"

namespace {

// Ethernet frames for the verdicts: IPv4 UDP, ARP, IPv6 TCP, and a runt.
std::vector<std::vector<std::uint8_t>> packets() {
    std::vector<std::uint8_t> udp(60, 0), arp(42, 0), tcp6(74, 0), runt(10, 0xff);
    udp[12] = 0x08, udp[14] = 0x45, udp[23] = 17, udp[36] = 0x13, udp[37] = 0x89;
    arp[12] = 0x08, arp[13] = 0x06;
    tcp6[12] = 0x86, tcp6[13] = 0xdd, tcp6[14] = 0x60, tcp6[20] = 6;
    return {udp, arp, tcp6, runt};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 4096) return 0;  // compile time is bounded by the parser, not the point here
    const std::string text(reinterpret_cast<const char*>(data), size);
    static const auto frames = packets();
    try {
        const monitor::RuleSet rules = monitor::parse_rule_file(text, "fuzz.rules");
        for (const auto& rule : rules.table) {
            if (auto refused = capture::bpf::validate(
                    rule.filter.empty() ? capture::bpf::accept_all() : rule.filter)) {
                std::fprintf(stderr, "a parsed rule breaks the kernel's rules: %s\n",
                             refused->reason.c_str());
                std::abort();
            }
            if (rule.filter.empty()) continue;
            std::vector<bpf_insn> theirs;
            for (const auto& i : rule.filter) theirs.push_back({i.code, i.jt, i.jf, i.k});
            for (const auto& f : frames) {
                const auto n = static_cast<std::uint32_t>(f.size());
                const std::uint32_t ours =
                    capture::bpf::run(rule.filter,
                                      {reinterpret_cast<const std::byte*>(f.data()), f.size()}, n)
                        .accept;
                if (ours != bpf_filter(theirs.data(), f.data(), n, n)) {
                    std::fprintf(stderr, "a compiled filter's verdict differs from libpcap's\n");
                    std::abort();
                }
            }
        }
    } catch (const monitor::RuleFileError& e) {
        if (std::string(e.what()).rfind("fuzz.rules:", 0) != 0) {
            std::fprintf(stderr, "a refusal that does not start with file:line:col: %s\n",
                         e.what());
            std::abort();
        }
    }
    return 0;
}
