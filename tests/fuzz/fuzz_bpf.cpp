// SPDX-License-Identifier: MIT
// Fuzz target: the BPF validator and interpreter, differential. The input is
// a program (8 bytes per instruction) followed, after a length byte, by a
// packet. Whatever our validator accepts, libpcap's own check must accept
// too, and our interpreter must give libpcap's bpf_filter's verdict on the
// packet, byte for byte -- the two agree or this aborts.
#include <pcap/pcap.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "capture/bpf.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::size_t instructions = std::min<std::size_t>(data[0], (size - 1) / 8);
    capture::bpf::Program program;
    std::vector<bpf_insn> theirs;
    for (std::size_t i = 0; i < instructions; ++i) {
        const std::uint8_t* p = data + 1 + 8 * i;
        const capture::bpf::Insn insn{
            static_cast<std::uint16_t>(p[0] | p[1] << 8), p[2], p[3],
            static_cast<std::uint32_t>(p[4] | p[5] << 8 | p[6] << 16 |
                                       static_cast<std::uint32_t>(p[7]) << 24)};
        program.push_back(insn);
        theirs.push_back({insn.code, insn.jt, insn.jf, insn.k});
    }
    const std::uint8_t* packet = data + 1 + 8 * instructions;
    const std::size_t packet_bytes = size - 1 - 8 * instructions;
    if (capture::bpf::validate(program)) return 0;  // refused: nothing runs
    if (!bpf_validate(theirs.data(), static_cast<int>(theirs.size()))) {
        std::fprintf(stderr, "our validator accepts a program libpcap's refuses\n");
        std::abort();
    }
    const auto wire = static_cast<std::uint32_t>(packet_bytes + 14);
    const std::uint32_t ours =
        capture::bpf::run(program, {reinterpret_cast<const std::byte*>(packet), packet_bytes}, wire)
            .accept;
    const std::uint32_t libpcap =
        bpf_filter(theirs.data(), packet, wire, static_cast<u_int>(packet_bytes));
    if (ours != libpcap) {
        std::fprintf(stderr, "verdicts differ: ours %u, libpcap %u\n", ours, libpcap);
        std::abort();
    }
    return 0;
}
