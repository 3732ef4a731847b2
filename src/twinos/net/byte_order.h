// SPDX-License-Identifier: MIT
// Network byte order: 16- and 32-bit fields read from and written to frames.
//
// Every protocol header here (Ethernet, ARP, IPv4, ICMP, UDP) stores its
// fields big-endian; these four helpers are the only place that knows how.
#pragma once

#include <cstddef>
#include <cstdint>

namespace twinos::net {

/// Write `v` at `p`, most significant byte first.
inline void put16(std::byte* p, std::uint16_t v) {
    p[0] = std::byte(v >> 8);
    p[1] = std::byte(v);
}
/// Write `v` at `p`, most significant byte first.
inline void put32(std::byte* p, std::uint32_t v) {
    put16(p, static_cast<std::uint16_t>(v >> 16));
    put16(p + 2, static_cast<std::uint16_t>(v));
}
/// The big-endian 16-bit field at `p`.
inline std::uint16_t get16(const std::byte* p) {
    return static_cast<std::uint16_t>(std::to_integer<unsigned>(p[0]) << 8 |
                                      std::to_integer<unsigned>(p[1]));
}
/// The big-endian 32-bit field at `p`.
inline std::uint32_t get32(const std::byte* p) {
    return std::uint32_t{get16(p)} << 16 | get16(p + 2);
}

}  // namespace twinos::net
