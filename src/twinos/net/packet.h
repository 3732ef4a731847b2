// SPDX-License-Identifier: MIT
// Ethernet, IPv4 and UDP headers: building frames with valid checksums, parsing them.
//
// Neither hardware nor OS: the bytes of the protocols, used by the
// co-existing OS's small network stack, by the paper's server host on the
// wire, and by the tests that check what arrived. Frames are built without
// FCS, as captures carry them.
//
// Interface:
//   - `internet_checksum(bytes)`: the RFC 1071 one's-complement sum;
//   - `build_udp_frame(out, src, dst, payload, ip_id)`: Ethernet II + IPv4 +
//     UDP, both checksums filled in;
//   - `parse_udp_frame(frame)`: the endpoints and payload of a well-formed
//     IPv4/UDP frame whose checksums verify, or nothing.
//
// Chapter: chapters/03-nic.rst.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace twinos::net {

/// An Ethernet station address.
using MacAddress = std::array<std::uint8_t, 6>;

/// Header sizes of the frames we build.
inline constexpr std::size_t kEthernetHeaderBytes = 14;
inline constexpr std::size_t kIpv4HeaderBytes = 20;
inline constexpr std::size_t kUdpHeaderBytes = 8;
/// Ethernet + IPv4 + UDP: the smallest frame that carries a UDP datagram.
inline constexpr std::size_t kUdpFrameOverhead =
    kEthernetHeaderBytes + kIpv4HeaderBytes + kUdpHeaderBytes;
/// EtherType of IPv4.
inline constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
/// EtherType of ARP.
inline constexpr std::uint16_t kEtherTypeArp = 0x0806;
/// IPv4 protocol numbers of ICMP and UDP.
inline constexpr std::uint8_t kIpProtocolIcmp = 1;
inline constexpr std::uint8_t kIpProtocolUdp = 17;  ///< See kIpProtocolIcmp.
/// The broadcast station address.
inline constexpr std::array<std::uint8_t, 6> kBroadcastMac = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/// One end of a UDP conversation.
struct UdpEndpoint {
    MacAddress mac{};        ///< Station address.
    std::uint32_t ip = 0;    ///< IPv4 address, host byte order (0x0a000001 = 10.0.0.1).
    std::uint16_t port = 0;  ///< UDP port.
};

/// A parsed IPv4/UDP frame.
struct UdpDatagram {
    /// Each field as its own initialiser says, and no more: a defaulted
    /// constructor would zero the whole struct first, padding and all, on
    /// every frame parse_udp_frame reads -- then overwrite every field.
    UdpDatagram() {}                     // NOLINT(modernize-use-equals-default): see above
    UdpEndpoint source;                  ///< Who sent it.
    UdpEndpoint destination;             ///< To whom.
    std::span<const std::byte> payload;  ///< The UDP payload, inside the frame.
};

/// RFC 1071 one's-complement checksum of `bytes`, starting from `sum`.
std::uint16_t internet_checksum(std::span<const std::byte> bytes, std::uint32_t sum = 0);

/// The checksum of the 20-byte IPv4 header at `ip` (no options): what
/// `internet_checksum({ip, 20})` gives, without the loop; 0 when the header's
/// own checksum field is right.
std::uint16_t ipv4_header_checksum(const std::byte* ip);

/// The sum a UDP or TCP checksum starts from: the pseudo-header of the two
/// addresses, the protocol and the transport segment's `length`.
std::uint32_t pseudo_header_sum(std::uint32_t source, std::uint32_t destination,
                                std::uint8_t protocol, std::uint32_t length);

/// True when `a` and `b` share their first `prefix_length` bits (one subnet).
bool same_subnet(std::uint32_t a, std::uint32_t b, unsigned prefix_length);

/// Write an Ethernet II header (14 bytes) at `eth`.
void write_ethernet_header(std::byte* eth, const MacAddress& destination, const MacAddress& source,
                           std::uint16_t ether_type);

/// Write a 20-byte IPv4 header without options at `ip`: don't fragment,
/// TTL 64, the header checksum filled in. `total_length` counts the header.
void write_ipv4_header(std::byte* ip, std::uint8_t protocol, std::uint16_t total_length,
                       std::uint16_t ip_id, std::uint32_t source, std::uint32_t destination);

/// Build an Ethernet II / IPv4 / UDP frame into `out` (replacing its contents).
void build_udp_frame(std::vector<std::byte>& out, const UdpEndpoint& source,
                     const UdpEndpoint& destination, std::span<const std::byte> payload,
                     std::uint16_t ip_id);

/// Parse `frame` as IPv4/UDP. @return nothing unless the EtherType, lengths,
/// IPv4 header checksum and UDP checksum are all right.
std::optional<UdpDatagram> parse_udp_frame(std::span<const std::byte> frame);

/// `aa:bb:cc:dd:ee:ff`.
std::string to_string(const MacAddress& mac);
/// `10.0.0.1`.
std::string ipv4_to_string(std::uint32_t ip);

}  // namespace twinos::net
