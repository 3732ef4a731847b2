// SPDX-License-Identifier: MIT
// ARP for IPv4 over Ethernet (RFC 826): who has this address, and the answer.
//
// Neither hardware nor OS: the bytes. A host that a real peer can talk to
// must answer "who has 10.0.2.15?" with its station address, and must ask
// before it sends to an address it has not heard from (chapter 3, the live
// wire). The packet is 28 bytes after the Ethernet header; the frame of 42
// bytes is sent as it is, without padding, as the card sends what it is given.
//
// Chapter: chapters/03-nic.rst.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "twinos/net/packet.h"

namespace twinos::net {

/// ARP's two operations.
enum class ArpOperation : std::uint16_t { Request = 1, Reply = 2 };

/// An ARP packet for IPv4 over Ethernet.
struct ArpPacket {
    ArpOperation operation = ArpOperation::Request;  ///< Asking or answering.
    MacAddress sender_mac{};                         ///< Who sends it.
    std::uint32_t sender_ip = 0;                     ///< Its address (host order).
    MacAddress target_mac{};                         ///< Zero in a request.
    std::uint32_t target_ip = 0;                     ///< The address asked about.
};

/// Ethernet header plus the 28-byte ARP packet.
inline constexpr std::size_t kArpFrameBytes = kEthernetHeaderBytes + 28;

/// Parse `frame` as ARP for IPv4 over Ethernet. @return nothing for any
/// other EtherType, hardware or protocol type, or a frame too short.
std::optional<ArpPacket> parse_arp_frame(std::span<const std::byte> frame);

/// Build the frame for `packet` into `out`: a request goes to the broadcast
/// address, a reply to its target.
void build_arp_frame(std::vector<std::byte>& out, const ArpPacket& packet);

}  // namespace twinos::net
