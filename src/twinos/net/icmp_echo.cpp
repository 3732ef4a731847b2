// SPDX-License-Identifier: MIT
// ICMP echo: a request recognised, its reply built.
#include "twinos/net/icmp_echo.h"

#include <algorithm>
#include <cstring>

#include "twinos/net/byte_order.h"

namespace twinos::net {

namespace {
constexpr std::uint8_t kEchoReply = 0;
constexpr std::uint8_t kEchoRequestType = 8;
}  // namespace

std::optional<EchoRequest> parse_echo_request(std::span<const std::byte> frame) {
    if (frame.size() < kEthernetHeaderBytes + kIpv4HeaderBytes + kIcmpHeaderBytes ||
        get16(frame.data() + 12) != kEtherTypeIpv4) {
        return std::nullopt;
    }
    const std::byte* ip = frame.data() + kEthernetHeaderBytes;
    if (std::to_integer<unsigned>(ip[0]) != 0x45 ||
        std::to_integer<std::uint8_t>(ip[9]) != kIpProtocolIcmp) {
        return std::nullopt;
    }
    // A fragment (more to come, or an offset) is not a whole request.
    if ((get16(ip + 6) & 0x3fff) != 0) return std::nullopt;
    const std::uint16_t ip_length = get16(ip + 2);
    if (ip_length < kIpv4HeaderBytes + kIcmpHeaderBytes ||
        kEthernetHeaderBytes + ip_length > frame.size()) {
        return std::nullopt;
    }
    if (ipv4_header_checksum(ip) != 0) return std::nullopt;
    const std::span<const std::byte> icmp{ip + kIpv4HeaderBytes, ip_length - kIpv4HeaderBytes};
    if (std::to_integer<std::uint8_t>(icmp[0]) != kEchoRequestType ||
        std::to_integer<std::uint8_t>(icmp[1]) != 0 || internet_checksum(icmp) != 0) {
        return std::nullopt;
    }
    EchoRequest r;
    std::memcpy(r.source_mac.data(), frame.data() + 6, 6);
    r.source_ip = get32(ip + 12);
    r.destination_ip = get32(ip + 16);
    r.icmp = icmp;
    return r;
}

void build_echo_reply(std::vector<std::byte>& out, const EchoRequest& request,
                      const MacAddress& self_mac, std::uint32_t self_ip, std::uint16_t ip_id) {
    const auto ip_length = static_cast<std::uint16_t>(kIpv4HeaderBytes + request.icmp.size());
    out.assign(kEthernetHeaderBytes + ip_length, std::byte{0});
    write_ethernet_header(out.data(), request.source_mac, self_mac, kEtherTypeIpv4);
    std::byte* ip = out.data() + kEthernetHeaderBytes;
    write_ipv4_header(ip, kIpProtocolIcmp, ip_length, ip_id, self_ip, request.source_ip);
    std::byte* icmp = ip + kIpv4HeaderBytes;
    std::copy(request.icmp.begin(), request.icmp.end(), icmp);
    icmp[0] = std::byte{kEchoReply};
    put16(icmp + 2, 0);
    put16(icmp + 2, internet_checksum({icmp, request.icmp.size()}));
}

}  // namespace twinos::net
