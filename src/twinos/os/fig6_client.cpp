// SPDX-License-Identifier: MIT
// Fig6Client: one request out, every reply checked.
#include "twinos/os/fig6_client.h"

#include <string>

namespace twinos::os {

Fig6Client::Fig6Client(Kernel& kernel, net::UdpEndpoint server) : kernel_(kernel), server_(server) {
    kernel_.net().udp_bind(kClientPort, [this](const net::UdpDatagram& d) { on_reply(d); });
}

bool Fig6Client::request(std::uint32_t count, const std::vector<std::uint32_t>& frame_sizes) {
    std::string text = "count=" + std::to_string(count) + " sizes=";
    for (std::size_t i = 0; i < frame_sizes.size(); ++i) {
        text += (i ? "," : "") + std::to_string(frame_sizes[i]);
    }
    expected_ = count;
    const auto* bytes = reinterpret_cast<const std::byte*>(text.data());
    return kernel_.net().udp_send(kClientPort, server_, {bytes, text.size()});
}

void Fig6Client::on_reply(const net::UdpDatagram& d) {
    // Payload: sequence number (4 bytes, big-endian), then the pattern.
    if (d.payload.size() < 4) {
        ++stats_.corrupt;
        return;
    }
    std::uint32_t sequence = 0;
    for (int i = 0; i < 4; ++i)
        sequence = sequence << 8 | std::to_integer<std::uint32_t>(d.payload[i]);
    for (std::size_t i = 4; i < d.payload.size(); ++i) {
        if (d.payload[i] != fig6_pattern(sequence, i)) {
            ++stats_.corrupt;
            return;
        }
    }
    if (sequence != next_sequence_) ++stats_.out_of_order;
    next_sequence_ = sequence + 1;
    ++stats_.replies;
    stats_.bytes += d.payload.size() + net::kUdpFrameOverhead;
}

}  // namespace twinos::os
