// SPDX-License-Identifier: MIT
// Packet summaries: walking Ethernet, VLAN, ARP, IPv4, IPv6, TCP, UDP, ICMP.
#include "monitor/packet_summary.h"

#include <cstdio>

namespace monitor {

namespace {

// Reads big-endian fields from a slice, remembering whether it ran short.
class Reader {
public:
    explicit Reader(std::span<const std::byte> b) : b_(b) {}
    bool has(std::size_t at, std::size_t n) const { return at + n <= b_.size(); }
    std::uint32_t u8(std::size_t at) const { return std::to_integer<std::uint32_t>(b_[at]); }
    std::uint32_t u16(std::size_t at) const { return u8(at) << 8 | u8(at + 1); }
    std::uint32_t u32(std::size_t at) const { return u16(at) << 16 | u16(at + 2); }
    std::span<const std::byte> bytes() const { return b_; }

private:
    std::span<const std::byte> b_;
};

std::string mac(const Reader& r, std::size_t at) {
    char s[18];
    std::snprintf(s, sizeof s, "%02x:%02x:%02x:%02x:%02x:%02x", r.u8(at), r.u8(at + 1),
                  r.u8(at + 2), r.u8(at + 3), r.u8(at + 4), r.u8(at + 5));
    return s;
}

std::string ipv4(const Reader& r, std::size_t at) {
    char s[16];
    std::snprintf(s, sizeof s, "%u.%u.%u.%u", r.u8(at), r.u8(at + 1), r.u8(at + 2), r.u8(at + 3));
    return s;
}

std::string ipv6(const Reader& r, std::size_t at) {
    std::string s;
    char part[6];
    for (int i = 0; i < 8; ++i) {
        std::snprintf(part, sizeof part, "%x", r.u16(at + 2 * i));
        s += (i ? ":" : "") + std::string(part);
    }
    return s;
}

const char* truncated = " [|truncated]";

// The transport header at `at`: TCP, UDP or ICMP.
std::string transport(const Reader& r, std::size_t at, std::uint32_t protocol,
                      const std::string& src, const std::string& dst) {
    if (protocol == 6) {
        if (!r.has(at, 14)) return src + " > " + dst + ": TCP" + truncated;
        static const char names[] = "FSRPAU";
        std::string flags;
        for (int i = 0; i < 6; ++i) {
            if (r.u8(at + 13) & (1u << i)) flags += names[i];
        }
        return src + "." + std::to_string(r.u16(at)) + " > " + dst + "." +
               std::to_string(r.u16(at + 2)) + ": TCP [" + (flags.empty() ? "." : flags) +
               "] seq " + std::to_string(r.u32(at + 4));
    }
    if (protocol == 17) {
        if (!r.has(at, 8)) return src + " > " + dst + ": UDP" + truncated;
        return src + "." + std::to_string(r.u16(at)) + " > " + dst + "." +
               std::to_string(r.u16(at + 2)) + ": UDP, length " + std::to_string(r.u16(at + 4) - 8);
    }
    if (protocol == 1 || protocol == 58) {
        if (!r.has(at, 2)) return src + " > " + dst + ": ICMP" + truncated;
        return src + " > " + dst + (protocol == 1 ? ": ICMP" : ": ICMP6") + " type " +
               std::to_string(r.u8(at)) + " code " + std::to_string(r.u8(at + 1));
    }
    return src + " > " + dst + ": protocol " + std::to_string(protocol);
}

}  // namespace

std::string summarize(std::span<const std::byte> slice, std::uint32_t slice_offset) {
    const Reader r(slice);
    if (slice_offset != 0) {
        return std::to_string(slice.size()) + " bytes from offset " + std::to_string(slice_offset);
    }
    if (!r.has(0, 14)) return "Ethernet" + std::string(truncated);
    std::string line = mac(r, 6) + " > " + mac(r, 0);
    std::size_t at = 12;
    std::uint32_t type = r.u16(at);
    // 802.1Q and 802.1ad tags, one or more.
    while ((type == 0x8100 || type == 0x88a8) && r.has(at, 6)) {
        line += ", vlan " + std::to_string(r.u16(at + 2) & 0x0fff);
        at += 4;
        type = r.u16(at);
    }
    at += 2;
    if (type < 0x0600) return line + ", 802.3 length " + std::to_string(type);
    if (type == 0x0806) {
        if (!r.has(at, 28)) return line + ", ARP" + truncated;
        const bool request = r.u16(at + 6) == 1;
        return line + ", ARP, " +
               (request ? "Request who-has " + ipv4(r, at + 24) + " tell " + ipv4(r, at + 14)
                        : "Reply " + ipv4(r, at + 14) + " is-at " + mac(r, at + 8));
    }
    if (type == 0x0800) {
        if (!r.has(at, 20)) return line + ", IPv4" + truncated;
        const std::size_t ihl = 4 * (r.u8(at) & 0x0f);
        if ((r.u16(at + 6) & 0x1fff) != 0) {  // a later fragment: no transport header
            return line + ", IPv4 " + ipv4(r, at + 12) + " > " + ipv4(r, at + 16) + ": fragment";
        }
        return line + ", IPv4 " +
               transport(r, at + ihl, r.u8(at + 9), ipv4(r, at + 12), ipv4(r, at + 16));
    }
    if (type == 0x86dd) {
        if (!r.has(at, 40)) return line + ", IPv6" + truncated;
        return line + ", IPv6 " +
               transport(r, at + 40, r.u8(at + 6), ipv6(r, at + 8), ipv6(r, at + 24));
    }
    char t[16];  // room for any unsigned, though an EtherType has 4 digits
    std::snprintf(t, sizeof t, "0x%04x", type);
    return line + ", ethertype " + t;
}

}  // namespace monitor
