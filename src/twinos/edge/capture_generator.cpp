// SPDX-License-Identifier: MIT
// Capture generator: UDP frames with valid checksums, written by libpcap.
#include "twinos/edge/capture_generator.h"

#include <pcap/pcap.h>

#include <memory>
#include <stdexcept>

#include "twinos/net/packet.h"

namespace twinos::edge {

void write_generated_capture(const std::string& path, const GeneratedCapture& what) {
    for (std::uint32_t size : what.frame_sizes) {
        if (size < net::kUdpFrameOverhead + 4 || size > 1514) {
            throw std::runtime_error(path + ": frame size " + std::to_string(size) +
                                     " is not in 46..1514");
        }
    }
    std::unique_ptr<pcap_t, void (*)(pcap_t*)> dead(
        pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_NANO),
        pcap_close);
    pcap_dumper_t* out = pcap_dump_open(dead.get(), path.c_str());
    if (out == nullptr) throw std::runtime_error(path + ": " + pcap_geterr(dead.get()));
    const net::UdpEndpoint from{{0x02, 0, 0, 0, 0, 1}, 0x0a000001, 7};
    const net::UdpEndpoint to{{0x02, 0, 0, 0, 0, 2}, 0x0a000002, 5001};
    std::vector<std::byte> payload, frame;
    const std::int64_t start_ns = 1'700'000'000ll * 1'000'000'000;  // a fixed, recent date
    for (std::uint64_t i = 0; i < what.frames; ++i) {
        const std::uint32_t size = what.frame_sizes[i % what.frame_sizes.size()];
        payload.assign(size - net::kUdpFrameOverhead, std::byte{0});
        for (int b = 0; b < 4; ++b) payload[b] = std::byte(i >> (24 - 8 * b));
        net::build_udp_frame(frame, from, to, payload, static_cast<std::uint16_t>(i));
        const std::int64_t t = start_ns + what.spacing.count() * static_cast<std::int64_t>(i);
        pcap_pkthdr header{};
        header.ts.tv_sec = t / 1'000'000'000;
        header.ts.tv_usec = t % 1'000'000'000;  // nanoseconds in a nanosecond file
        header.caplen = header.len = static_cast<bpf_u_int32>(frame.size());
        pcap_dump(reinterpret_cast<u_char*>(out), &header,
                  reinterpret_cast<const u_char*>(frame.data()));
    }
    const bool flushed = pcap_dump_flush(out) == 0;
    pcap_dump_close(out);
    if (!flushed) throw std::runtime_error(path + ": could not write the capture");
}

}  // namespace twinos::edge
