// SPDX-License-Identifier: MIT
// ARP: the 28-byte packet, read and written.
#include "twinos/net/arp.h"

#include <cstring>

#include "twinos/net/byte_order.h"

namespace twinos::net {

namespace {
constexpr std::uint16_t kHardwareEthernet = 1;
constexpr std::uint8_t kMacBytes = 6;
constexpr std::uint8_t kIpv4Bytes = 4;
}  // namespace

std::optional<ArpPacket> parse_arp_frame(std::span<const std::byte> frame) {
    if (frame.size() < kArpFrameBytes || get16(frame.data() + 12) != kEtherTypeArp) {
        return std::nullopt;
    }
    const std::byte* a = frame.data() + kEthernetHeaderBytes;
    if (get16(a) != kHardwareEthernet || get16(a + 2) != kEtherTypeIpv4 ||
        std::to_integer<std::uint8_t>(a[4]) != kMacBytes ||
        std::to_integer<std::uint8_t>(a[5]) != kIpv4Bytes) {
        return std::nullopt;
    }
    const std::uint16_t operation = get16(a + 6);
    if (operation != 1 && operation != 2) return std::nullopt;
    ArpPacket p;
    p.operation = static_cast<ArpOperation>(operation);
    std::memcpy(p.sender_mac.data(), a + 8, kMacBytes);
    p.sender_ip = get32(a + 14);
    std::memcpy(p.target_mac.data(), a + 18, kMacBytes);
    p.target_ip = get32(a + 24);
    return p;
}

void build_arp_frame(std::vector<std::byte>& out, const ArpPacket& p) {
    out.assign(kArpFrameBytes, std::byte{0});
    const bool request = p.operation == ArpOperation::Request;
    write_ethernet_header(out.data(), request ? kBroadcastMac : p.target_mac, p.sender_mac,
                          kEtherTypeArp);
    std::byte* a = out.data() + kEthernetHeaderBytes;
    put16(a, kHardwareEthernet);
    put16(a + 2, kEtherTypeIpv4);
    a[4] = std::byte{kMacBytes};
    a[5] = std::byte{kIpv4Bytes};
    put16(a + 6, static_cast<std::uint16_t>(p.operation));
    std::memcpy(a + 8, p.sender_mac.data(), kMacBytes);
    put32(a + 14, p.sender_ip);
    std::memcpy(a + 18, p.target_mac.data(), kMacBytes);
    put32(a + 24, p.target_ip);
}

}  // namespace twinos::net
