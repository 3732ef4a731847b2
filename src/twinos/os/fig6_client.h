// SPDX-License-Identifier: MIT
// Fig6Client: the client program of the paper's experiment, in the co-existing OS.
// OS code: a user program of the co-existing OS, reached through its kernel's stack.
//
// Paper §4, Fig. 6: a client program on the co-existing OS asks a server on
// another computer for packets, and the server sends them. The client sends
// one UDP request -- `count=N sizes=a,b,c` -- and then checks every reply:
// each carries its sequence number and a byte pattern derived from it, so a
// lost, reordered or damaged packet is noticed.
//
// Chapter: chapters/03-nic.rst.
#pragma once

#include <cstdint>
#include <vector>

#include "twinos/os/kernel.h"

namespace twinos::os {

/// What the client has received.
struct Fig6ClientStats {
    std::uint64_t replies = 0;       ///< Replies that verified.
    std::uint64_t bytes = 0;         ///< Their frame bytes (Ethernet header included).
    std::uint64_t out_of_order = 0;  ///< Replies whose sequence number skipped back or ahead.
    std::uint64_t corrupt = 0;       ///< Replies whose pattern did not verify.
};

/// The client program.
class Fig6Client {
public:
    /// The UDP port the client listens on.
    static constexpr std::uint16_t kClientPort = 5001;

    /// A client in `kernel` that will talk to `server`.
    Fig6Client(Kernel& kernel, net::UdpEndpoint server);

    /// Ask the server for `count` frames cycling through `frame_sizes`.
    /// @pre the co-existing OS is running and its NIC is up.
    /// @return false when the request could not be sent.
    bool request(std::uint32_t count, const std::vector<std::uint32_t>& frame_sizes);

    /// What has arrived.
    const Fig6ClientStats& stats() const { return stats_; }
    /// True when every requested reply has arrived.
    bool done() const { return stats_.replies + stats_.corrupt >= expected_; }

private:
    void on_reply(const net::UdpDatagram& datagram);
    Kernel& kernel_;
    net::UdpEndpoint server_;
    std::uint32_t expected_ = 0;
    std::uint32_t next_sequence_ = 0;
    Fig6ClientStats stats_;
};

/// The payload pattern both ends agree on: byte i of reply `sequence`.
constexpr std::byte fig6_pattern(std::uint32_t sequence, std::size_t i) {
    return static_cast<std::byte>((sequence * 7 + i) & 0xff);
}

}  // namespace twinos::os
