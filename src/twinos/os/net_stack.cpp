// SPDX-License-Identifier: MIT
// NetStack: input demultiplexing and UDP output.
// OS code: part of each kernel.
#include "twinos/os/net_stack.h"

namespace twinos::os {

void NetStack::input(std::span<const std::byte> frame) {
    ++stats_.rx_frames;
    stats_.rx_bytes += frame.size();
    for (const Tap& tap : taps_) tap(frame);
    auto datagram = net::parse_udp_frame(frame);
    if (!datagram || datagram->destination.ip != ip_) return;  // not UDP for us
    auto it = udp_ports_.find(datagram->destination.port);
    if (it == udp_ports_.end()) {
        ++stats_.rx_udp_unbound;
        return;
    }
    ++stats_.rx_udp_delivered;
    it->second(*datagram);
}

bool NetStack::udp_send(std::uint16_t port, const net::UdpEndpoint& to,
                        std::span<const std::byte> payload) {
    if (device_ == nullptr) return false;
    const net::UdpEndpoint from{device_->mac(), ip_, port};
    net::build_udp_frame(tx_frame_, from, to, payload, next_ip_id_++);
    if (!device_->transmit(tx_frame_)) {
        ++stats_.tx_dropped;
        return false;
    }
    ++stats_.tx_frames;
    return true;
}

}  // namespace twinos::os
