// SPDX-License-Identifier: MIT
// ServerHost: the paper's server computer on the other end of the wire (Fig. 6).
// An edge adapter: outside the machine, talking to it through the link.
//
// It watches what the NIC transmits. A UDP request `count=N sizes=a,b,c` to
// its address makes it send N frames back to the requester, back to back at
// the link's speed after a short think time, cycling through the frame
// sizes. Every reply is a real Ethernet/IPv4/UDP frame with valid checksums
// whose payload is the sequence number and a pattern the client verifies.
//
// Chapter: chapters/03-nic.rst.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "twinos/machine/link.h"
#include "twinos/net/packet.h"

namespace twinos::edge {

/// The smallest reply: headers plus the 4-byte sequence number.
inline constexpr std::uint32_t kMinReplyFrame = net::kUdpFrameOverhead + 4;
/// The largest: a full Ethernet frame without FCS.
inline constexpr std::uint32_t kMaxReplyFrame = 1514;

/// What the server has done.
struct ServerStats {
    std::uint64_t requests = 0;      ///< Requests understood.
    std::uint64_t bad_requests = 0;  ///< UDP to us that was not a request.
    std::uint64_t replies = 0;       ///< Frames sent.
    std::uint64_t bytes = 0;         ///< Their bytes.
};

/// The server host.
class ServerHost : public machine::FrameSink {
public:
    /// A server at `self` on `link`, waiting `think_time` before it answers.
    ServerHost(machine::Link& link, net::UdpEndpoint self,
               machine::Ticks think_time = machine::microseconds(20));

    void on_transmit(machine::Ticks at, std::span<const std::byte> frame) override;

    /// What the server has done.
    const ServerStats& stats() const { return stats_; }
    /// Its address.
    const net::UdpEndpoint& self() const { return self_; }

private:
    machine::Link& link_;
    net::UdpEndpoint self_;
    machine::Ticks think_time_;
    machine::Ticks next_send_{0};
    ServerStats stats_;
};

/// Parse `count=N sizes=a,b,c`. @return false if malformed or out of range.
bool parse_fig6_request(std::string_view text, std::uint32_t& count,
                        std::vector<std::uint32_t>& sizes);

}  // namespace twinos::edge
