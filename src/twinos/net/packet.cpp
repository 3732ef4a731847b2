// SPDX-License-Identifier: MIT
// Ethernet, IPv4 and UDP: byte layouts and checksums.
#include "twinos/net/packet.h"

#include "twinos/net/byte_order.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>

namespace twinos::net {

std::uint32_t pseudo_header_sum(std::uint32_t source, std::uint32_t destination,
                                std::uint8_t protocol, std::uint32_t length) {
    return (source >> 16) + (source & 0xffff) + (destination >> 16) + (destination & 0xffff) +
           protocol + length;
}

bool same_subnet(std::uint32_t a, std::uint32_t b, unsigned prefix_length) {
    const std::uint32_t mask = prefix_length == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix_length);
    return (a & mask) == (b & mask);
}

// RFC 1071's sum does not depend on byte order (its sec. 2(B)), nor on how
// wide the words added are, as long as they start at even offsets: modulo
// 2^16 - 1, a carry out of bit 63 or 31 is worth 1, like one out of bit 15.
// So the bulk is added as the host's own 64-bit words, 32 bytes a turn, the
// carries out of the top counted beside the sum; the rest (under 32 bytes)
// as 32-bit words into a 64-bit total, in straight lines, then a 16-bit word
// and a lone byte; then the total is folded to 16 bits with the carries
// added back and put into network order once. Summing big-endian 16-bit
// words one at a time cost a quarter of a replay of mixed-size frames.
namespace {

std::uint64_t word32_at(const std::byte* p) {
    std::uint32_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
}

/// A 64-bit total folded to 32 bits, the carry out of bit 31 added back in.
std::uint32_t fold32(std::uint64_t total) {
    const auto low = static_cast<std::uint32_t>(total);
    const std::uint32_t sum = low + static_cast<std::uint32_t>(total >> 32);
    return sum + (sum < low);
}

/// A 32-bit total folded to 16 bits the same way.
std::uint16_t fold16(std::uint32_t total) {
    const auto low = static_cast<std::uint16_t>(total);
    const auto sum = static_cast<std::uint16_t>(low + (total >> 16));
    return static_cast<std::uint16_t>(sum + (sum < low));
}

/// The native-order total folded, in network order, with `sum` (big-endian
/// words added as numbers) added, complemented.
[[gnu::always_inline]] inline std::uint16_t finish(std::uint64_t native_total, std::uint32_t sum) {
    std::uint16_t folded = fold16(fold32(native_total));
    if constexpr (std::endian::native == std::endian::little) {
        folded = static_cast<std::uint16_t>(folded << 8 | folded >> 8);  // to network order
    }
    return static_cast<std::uint16_t>(~fold16(fold32(std::uint64_t{folded} + sum)));
}

// internet_checksum's work, inline into it and into every frame's UDP
// parse, which then makes one call less per frame (chapter 7).
[[gnu::always_inline]] inline std::uint16_t checksum_from(std::span<const std::byte> bytes,
                                                          std::uint32_t sum) {
    const std::byte* p = bytes.data();
    std::size_t n = bytes.size();
    std::uint64_t wide = 0;
    std::uint64_t carries = 0;
    auto add64 = [&](const std::byte* at) {
        std::uint64_t w;
        std::memcpy(&w, at, sizeof w);
        wide += w;
        carries += wide < w;  // the carry out of bit 63
    };
    for (; n >= 32; p += 32, n -= 32) {
        add64(p);
        add64(p + 8);
        add64(p + 16);
        add64(p + 24);
    }
    std::uint64_t total = (wide & 0xffffffff) + (wide >> 32) + carries;
    // Fewer than 32 left: at most one 16, one 8, one 4, one 2 and one 1.
    if (n >= 16) {
        total += word32_at(p) + word32_at(p + 4) + word32_at(p + 8) + word32_at(p + 12);
        p += 16;
        n -= 16;
    }
    if (n >= 8) {
        total += word32_at(p) + word32_at(p + 4);
        p += 8;
        n -= 8;
    }
    if (n >= 4) {
        total += word32_at(p);
        p += 4;
        n -= 4;
    }
    // An odd last byte is the first byte of a 16-bit word whose second byte is zero.
    std::uint16_t tail = 0;
    if (n >= 2) {
        std::memcpy(&tail, p, 2);
        total += tail;
        p += 2;
        n -= 2;
        tail = 0;
    }
    if (n == 1) {
        std::memcpy(&tail, p, 1);
        total += tail;
    }
    return finish(total, sum);
}
}  // namespace

std::uint16_t internet_checksum(std::span<const std::byte> bytes, std::uint32_t sum) {
    return checksum_from(bytes, sum);
}

namespace {
// The five words summed and folded: a dozen instructions, cheaper inline in
// every frame's parse than a call to them.
inline std::uint16_t sum_ipv4_header(const std::byte* ip) {
    return finish(word32_at(ip) + word32_at(ip + 4) + word32_at(ip + 8) + word32_at(ip + 12) +
                      word32_at(ip + 16),
                  0);
}
}  // namespace

std::uint16_t ipv4_header_checksum(const std::byte* ip) { return sum_ipv4_header(ip); }

void write_ethernet_header(std::byte* eth, const MacAddress& destination, const MacAddress& source,
                           std::uint16_t ether_type) {
    for (int i = 0; i < 6; ++i) {
        eth[i] = std::byte{destination[i]};
        eth[6 + i] = std::byte{source[i]};
    }
    put16(eth + 12, ether_type);
}

void write_ipv4_header(std::byte* ip, std::uint8_t protocol, std::uint16_t total_length,
                       std::uint16_t ip_id, std::uint32_t source, std::uint32_t destination) {
    std::fill(ip, ip + kIpv4HeaderBytes, std::byte{0});
    ip[0] = std::byte{0x45};  // version 4, 5 words of header
    put16(ip + 2, total_length);
    put16(ip + 4, ip_id);
    put16(ip + 6, 0x4000);  // don't fragment
    ip[8] = std::byte{64};  // TTL
    ip[9] = std::byte{protocol};
    put32(ip + 12, source);
    put32(ip + 16, destination);
    put16(ip + 10, ipv4_header_checksum(ip));
}

// [twinos:build-udp-frame]
void build_udp_frame(std::vector<std::byte>& out, const UdpEndpoint& source,
                     const UdpEndpoint& destination, std::span<const std::byte> payload,
                     std::uint16_t ip_id) {
    const auto udp_length = static_cast<std::uint16_t>(kUdpHeaderBytes + payload.size());
    const auto ip_length = static_cast<std::uint16_t>(kIpv4HeaderBytes + udp_length);
    out.assign(kEthernetHeaderBytes + ip_length, std::byte{0});
    std::byte* eth = out.data();
    write_ethernet_header(eth, destination.mac, source.mac, kEtherTypeIpv4);

    std::byte* ip = eth + kEthernetHeaderBytes;
    write_ipv4_header(ip, kIpProtocolUdp, ip_length, ip_id, source.ip, destination.ip);

    std::byte* udp = ip + kIpv4HeaderBytes;
    put16(udp, source.port);
    put16(udp + 2, destination.port);
    put16(udp + 4, udp_length);
    std::copy(payload.begin(), payload.end(), udp + kUdpHeaderBytes);
    std::uint16_t sum =
        internet_checksum({udp, udp_length},
                          pseudo_header_sum(source.ip, destination.ip, kIpProtocolUdp, udp_length));
    put16(udp + 6, sum == 0 ? 0xffff : sum);  // 0 means "no checksum" in UDP
}
// [/twinos:build-udp-frame]

namespace {
// Into the datagram where it lies: a MacAddress returned by value is built
// on the stack and copied again, 8 instructions of every frame's parse.
void copy_mac(MacAddress& mac, const std::byte* p) { std::memcpy(mac.data(), p, mac.size()); }
}  // namespace

std::optional<UdpDatagram> parse_udp_frame(std::span<const std::byte> frame) {
    // Every path returns this one object, so it is built in the caller's
    // result (no copy): a datagram built on the stack and then copied out
    // is read back in wider moves than it was written in, which stalls the
    // CPU on every frame (chapter 7).
    std::optional<UdpDatagram> parsed;
    if (frame.size() < kUdpFrameOverhead) return parsed;
    const std::byte* eth = frame.data();
    if (get16(eth + 12) != kEtherTypeIpv4) return parsed;
    const std::byte* ip = eth + kEthernetHeaderBytes;
    if (std::to_integer<unsigned>(ip[0]) != 0x45 ||
        std::to_integer<unsigned>(ip[9]) != kIpProtocolUdp) {
        return parsed;
    }
    const std::uint16_t ip_length = get16(ip + 2);
    if (ip_length < kIpv4HeaderBytes + kUdpHeaderBytes ||
        kEthernetHeaderBytes + ip_length > frame.size()) {
        return parsed;
    }
    if (sum_ipv4_header(ip) != 0) return parsed;
    const std::byte* udp = ip + kIpv4HeaderBytes;
    const std::uint16_t udp_length = get16(udp + 4);
    if (udp_length < kUdpHeaderBytes || udp_length != ip_length - kIpv4HeaderBytes) {
        return parsed;
    }
    const std::uint32_t source_ip = get32(ip + 12);
    const std::uint32_t destination_ip = get32(ip + 16);
    if (get16(udp + 6) != 0 &&
        checksum_from({udp, udp_length}, pseudo_header_sum(source_ip, destination_ip,
                                                           kIpProtocolUdp, udp_length)) != 0) {
        return parsed;
    }
    parsed.emplace();
    copy_mac(parsed->source.mac, eth + 6);
    parsed->source.ip = source_ip;
    parsed->source.port = get16(udp);
    copy_mac(parsed->destination.mac, eth);
    parsed->destination.ip = destination_ip;
    parsed->destination.port = get16(udp + 2);
    parsed->payload = {udp + kUdpHeaderBytes, udp_length - kUdpHeaderBytes};
    return parsed;
}

std::string to_string(const MacAddress& mac) {
    char buf[18];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
                  mac[4], mac[5]);
    return buf;
}

std::string ipv4_to_string(std::uint32_t ip) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff,
                  ip & 0xff);
    return buf;
}

}  // namespace twinos::net
