// SPDX-License-Identifier: MIT
// ICMP echo (RFC 792): what `ping` sends and what a host answers.
//
// Neither hardware nor OS: the bytes. An echo request to us is answered
// with an echo reply carrying the same identifier, sequence number and
// data; only the type, the addresses and the checksums change.
//
// Chapter: chapters/03-nic.rst.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "twinos/net/packet.h"

namespace twinos::net {

/// An ICMP echo request found in a frame.
struct EchoRequest {
    MacAddress source_mac{};           ///< The asker's station address.
    std::uint32_t source_ip = 0;       ///< Its IPv4 address (host order).
    std::uint32_t destination_ip = 0;  ///< Whom it asks.
    std::span<const std::byte> icmp;   ///< The ICMP message, inside the frame.
};

/// ICMP's header: type, code, checksum, identifier, sequence number.
inline constexpr std::size_t kIcmpHeaderBytes = 8;

/// Parse `frame` as an IPv4 ICMP echo request. @return nothing unless the
/// EtherType, the IPv4 header (no options, not a fragment, checksum) and
/// the ICMP checksum are right.
std::optional<EchoRequest> parse_echo_request(std::span<const std::byte> frame);

/// Build the echo reply to `request` from `self` into `out`.
void build_echo_reply(std::vector<std::byte>& out, const EchoRequest& request,
                      const MacAddress& self_mac, std::uint32_t self_ip, std::uint16_t ip_id);

}  // namespace twinos::net
