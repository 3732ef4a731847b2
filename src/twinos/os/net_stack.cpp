// SPDX-License-Identifier: MIT
// NetStack: input demultiplexing, ARP and echo answers, UDP output.
// OS code: part of each kernel.
#include "twinos/os/net_stack.h"

#include <algorithm>

#include "twinos/net/arp.h"
#include "twinos/net/icmp_echo.h"

namespace twinos::os {

void NetStack::input(std::span<const std::byte> frame) {
    ++stats_.rx_frames;
    stats_.rx_bytes += frame.size();
    if (!taps_.empty()) show_taps(taps_, frame, false);
    if (answering_ && answer(frame)) return;
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

// [twinos:stack-answer]
bool NetStack::answer(std::span<const std::byte> frame) {
    if (device_ == nullptr) return false;
    if (auto arp = net::parse_arp_frame(frame)) {
        // RFC 826: whoever talks ARP to us is worth remembering.
        if (arp->target_ip == ip_ || arp_cache_.count(arp->sender_ip)) {
            learn(arp->sender_ip, arp->sender_mac);
        }
        if (arp->operation == net::ArpOperation::Request && arp->target_ip == ip_) {
            net::build_arp_frame(tx_frame_, {net::ArpOperation::Reply, device_->mac(), ip_,
                                             arp->sender_mac, arp->sender_ip});
            if (transmit_built()) ++stats_.arp_answered;
        }
        return true;
    }
    if (auto echo = net::parse_echo_request(frame); echo && echo->destination_ip == ip_) {
        net::build_echo_reply(tx_frame_, *echo, device_->mac(), ip_, next_ip_id_++);
        if (transmit_built()) ++stats_.echo_answered;
        return true;
    }
    return false;
}
// [/twinos:stack-answer]

void NetStack::learn(std::uint32_t ip, const net::MacAddress& mac) {
    auto [it, added] = arp_cache_.try_emplace(ip, mac);
    if (!added && it->second == mac) return;
    it->second = mac;
    ++stats_.arp_learned;
    // Whatever waited for this address goes out now, in the order it came.
    std::vector<Waiting> ready;
    auto for_ip = [ip](const Waiting& w) { return w.to.ip == ip; };
    std::copy_if(waiting_.begin(), waiting_.end(), std::back_inserter(ready), for_ip);
    std::erase_if(waiting_, for_ip);
    for (Waiting& w : ready) {
        w.to.mac = mac;
        udp_send(w.port, w.to, w.payload);
    }
}

const net::MacAddress* NetStack::arp_lookup(std::uint32_t ip) const {
    auto it = arp_cache_.find(ip);
    return it == arp_cache_.end() ? nullptr : &it->second;
}

bool NetStack::on_link(std::uint32_t ip) const { return net::same_subnet(ip, ip_, prefix_length_); }

void NetStack::show_taps(const std::vector<Tap>& taps, std::span<const std::byte> frame,
                         bool outbound) {
    if (tap_filter_ && !tap_filter_(frame, outbound)) return;
    for (const Tap& tap : taps) tap(frame);
}

bool NetStack::send_raw(std::span<const std::byte> frame) {
    if (device_ == nullptr) return false;
    tx_frame_.assign(frame.begin(), frame.end());
    return transmit_built();
}

bool NetStack::transmit_built() {
    if (!tx_taps_.empty()) show_taps(tx_taps_, tx_frame_, true);
    if (!device_->transmit(tx_frame_)) {
        ++stats_.tx_dropped;
        return false;
    }
    ++stats_.tx_frames;
    return true;
}

bool NetStack::udp_send(std::uint16_t port, const net::UdpEndpoint& to,
                        std::span<const std::byte> payload) {
    if (device_ == nullptr) return false;
    net::UdpEndpoint destination = to;
    if (destination.mac == net::MacAddress{}) {
        if (!on_link(to.ip)) {
            ++stats_.tx_off_link;  // no router here: nothing can reach it
            return false;
        }
        if (const net::MacAddress* known = arp_lookup(to.ip)) {
            destination.mac = *known;
        } else {
            if (waiting_.size() >= kMaxWaitingForArp) {
                ++stats_.tx_unresolved;
                return false;
            }
            const bool asked = std::any_of(waiting_.begin(), waiting_.end(),
                                           [&](const Waiting& w) { return w.to.ip == to.ip; });
            waiting_.push_back({port, to, {payload.begin(), payload.end()}});
            if (!asked) {
                net::build_arp_frame(tx_frame_, {net::ArpOperation::Request, device_->mac(), ip_,
                                                 net::MacAddress{}, to.ip});
                if (transmit_built()) ++stats_.arp_asked;
            }
            return true;
        }
    }
    const net::UdpEndpoint from{device_->mac(), ip_, port};
    net::build_udp_frame(tx_frame_, from, destination, payload, next_ip_id_++);
    return transmit_built();
}

}  // namespace twinos::os
