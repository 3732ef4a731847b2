// SPDX-License-Identifier: MIT
// Test helper: compile a tcpdump expression with libpcap into our BPF program type.
#pragma once

#include <pcap/pcap.h>

#include <string>

#include "capture/bpf.h"

namespace twinos::test {

/// Compile `expr` (optimised) for `linktype` and `snaplen`. Keeps libpcap's
/// own program in `raw` when given (free it with pcap_freecode).
/// @return the program, or an empty one when libpcap refuses the expression.
inline capture::bpf::Program compile_filter(const std::string& expr, int linktype = DLT_EN10MB,
                                            int snaplen = 262144, bpf_program* raw = nullptr) {
    pcap_t* dead = pcap_open_dead(linktype, snaplen);
    bpf_program code{};
    capture::bpf::Program p;
    if (pcap_compile(dead, &code, expr.c_str(), 1, PCAP_NETMASK_UNKNOWN) == 0) {
        for (u_int i = 0; i < code.bf_len; ++i) {
            p.push_back({code.bf_insns[i].code, code.bf_insns[i].jt, code.bf_insns[i].jf,
                         code.bf_insns[i].k});
        }
        if (raw != nullptr) {
            *raw = code;
        } else {
            pcap_freecode(&code);
        }
    }
    pcap_close(dead);
    return p;
}

}  // namespace twinos::test
