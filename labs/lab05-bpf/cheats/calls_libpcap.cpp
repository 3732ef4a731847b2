// SPDX-License-Identifier: MIT
// Lab 5 cheat: hand the program to libpcap's bpf_filter and fake `executed`.
// It gives every right verdict, so only the grader's check of what the lab
// file calls (points.toml `forbid_symbols`) stands between it and full
// marks. The lab self-test proves it scores 0.
#include <pcap/pcap.h>

#include <vector>

#include "capture/bpf.h"

namespace capture::bpf {

RunResult run(std::span<const Insn> program, std::span<const std::byte> packet,
              std::uint32_t wire_length) {
    std::vector<bpf_insn> theirs;
    for (const Insn& i : program) theirs.push_back({i.code, i.jt, i.jf, i.k});
    const auto* data = reinterpret_cast<const u_char*>(packet.data());
    const auto length = static_cast<u_int>(packet.size());
    return {bpf_filter(theirs.data(), data, wire_length, length),
            static_cast<std::uint32_t>(program.size())};
}

}  // namespace capture::bpf
