// SPDX-License-Identifier: MIT
// Packet summaries: one line about a packet's headers, in the spirit of `tcpdump -n`.
// Part of the monitor AP (preceding OS user space).
//
// The paper's own log was human-oriented text. This turns the bytes of a
// slice into a short description of what is in it -- Ethernet addresses and
// type, 802.1Q tags, ARP, IPv4 and IPv6 addresses, TCP and UDP ports and
// flags, ICMP types -- using only the bytes the slice actually holds and
// saying so when a header is cut off. A slice that does not start at the
// packet's first byte is described as raw bytes.
//
// Chapter: chapters/06-monitor-ap.rst.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace monitor {

/// Describe the packet whose bytes from `slice_offset` on are `slice`.
std::string summarize(std::span<const std::byte> slice, std::uint32_t slice_offset);

}  // namespace monitor
