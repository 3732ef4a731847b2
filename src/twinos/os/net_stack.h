// SPDX-License-Identifier: MIT
// NetStack: a kernel's small network stack -- network input, taps, UDP sockets.
// OS code: part of each kernel.
//
// Just enough of a network stack for the paper's experiment: a driver hands
// every received frame to `input()` (Linux's netif_rx); packet taps see every
// frame as a packet socket would; UDP datagrams that verify are delivered to
// the handler bound to their port; `udp_send` builds a frame and gives it to
// the network device to transmit. Nothing here knows which NIC is underneath.
//
// On a real wire (chapter 3, `twinos run -i`) a peer must be able to reach
// the host: with `set_answering(true)` the stack answers ARP requests for
// its address and ICMP echo requests to it, and learns the station address
// of whoever asks. A datagram to an address whose station address is not
// known yet (`UdpEndpoint::mac` all zero) waits while an ARP request asks
// for it, and goes out when the reply comes. Replays and the built-in
// scenario leave answering off: a replayed ARP request is not ours to answer.
//
// Chapter: chapters/03-nic.rst.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "twinos/net/packet.h"

namespace twinos::os {

/// A network interface as the stack sees it: the driver's side.
class NetDevice {
public:
    virtual ~NetDevice() = default;
    /// Interface name, e.g. `eth0`.
    virtual const std::string& name() const = 0;
    /// Its station address.
    virtual net::MacAddress mac() const = 0;
    /// Queue `frame` for transmission. @return false when the queue is full.
    virtual bool transmit(std::span<const std::byte> frame) = 0;
    /// Receive every frame on the wire (true) or only ours (false).
    virtual void set_promiscuous(bool on) = 0;
};

/// What the stack has seen.
struct NetStats {
    std::uint64_t rx_frames = 0;         ///< Frames handed up by drivers.
    std::uint64_t rx_bytes = 0;          ///< Their bytes.
    std::uint64_t rx_udp_delivered = 0;  ///< UDP datagrams delivered to a bound port.
    std::uint64_t rx_udp_unbound = 0;    ///< UDP datagrams to us on a port nobody bound.
    std::uint64_t tx_frames = 0;         ///< Frames given to the device.
    std::uint64_t tx_dropped = 0;        ///< Frames the device could not queue.
    std::uint64_t arp_answered = 0;      ///< ARP requests for our address answered.
    std::uint64_t arp_asked = 0;         ///< ARP requests we sent.
    std::uint64_t arp_learned = 0;       ///< Station addresses learned (or changed).
    std::uint64_t echo_answered = 0;     ///< ICMP echo requests answered.
    std::uint64_t tx_off_link = 0;       ///< Datagrams to an address off our subnet (no router).
    std::uint64_t tx_unresolved = 0;     ///< Datagrams dropped: too many waiting for ARP.
};

/// The network stack of one kernel.
class NetStack {
public:
    /// Sees one received frame.
    using Tap = std::function<void(std::span<const std::byte>)>;
    /// Receives one UDP datagram for a bound port.
    using UdpHandler = std::function<void(const net::UdpDatagram&)>;

    // NetStack — public interface

    /// Use `device` for output; its driver calls `input()`.
    void attach(NetDevice& device) { device_ = &device; }
    /// The attached device, or nullptr.
    NetDevice* device() const { return device_; }
    /// This host's IPv4 address (host byte order) and its subnet's prefix length.
    void set_ipv4(std::uint32_t ip, unsigned prefix_length = 24) {
        ip_ = ip;
        prefix_length_ = prefix_length;
    }
    /// This host's IPv4 address.
    std::uint32_t ipv4() const { return ip_; }
    /// True when `ip` is on our subnet (reachable without a router).
    bool on_link(std::uint32_t ip) const;
    /// Answer ARP and ICMP echo requests for our address (off by default).
    void set_answering(bool on) { answering_ = on; }
    /// The station address learned for `ip`, or nullptr.
    const net::MacAddress* arp_lookup(std::uint32_t ip) const;
    /// Datagrams waiting for an ARP reply.
    std::size_t waiting_for_arp() const { return waiting_.size(); }

    /// A driver hands up one received frame (netif_rx).
    void input(std::span<const std::byte> frame);
    /// Let `tap` see every received frame.
    void add_tap(Tap tap) { taps_.push_back(std::move(tap)); }
    /// Let `tap` see every frame given to the device (a packet socket sees both).
    void add_tx_tap(Tap tap) { tx_taps_.push_back(std::move(tap)); }
    /// What decides whether the taps see a frame (true: they do).
    using TapFilter = std::function<bool(std::span<const std::byte> frame, bool outbound)>;
    /// Put `filter` on the taps' path. Nothing in an honest kernel calls
    /// this: it is the hook a rootkit puts there to hide its own frames from
    /// the OS's own captures (chapter 8). The frames still go out.
    void hook_taps(TapFilter filter) { tap_filter_ = std::move(filter); }
    /// Give `frame` to the device as it is (a raw socket).
    /// @return false when the device could not queue it.
    bool send_raw(std::span<const std::byte> frame);
    /// Deliver UDP datagrams for `port` to `handler`.
    void udp_bind(std::uint16_t port, UdpHandler handler) { udp_ports_[port] = std::move(handler); }
    /// Send `payload` from our `port` to `to`. When `to.mac` is all zero the
    /// station address comes from ARP: known, it is used; else the datagram
    /// waits (at most kMaxWaitingForArp of them) while a request asks.
    /// @return false if it was not queued to the device and is not waiting.
    bool udp_send(std::uint16_t port, const net::UdpEndpoint& to,
                  std::span<const std::byte> payload);
    /// The most datagrams that wait for ARP replies at once.
    static constexpr std::size_t kMaxWaitingForArp = 16;

    /// What the stack has seen.
    const NetStats& stats() const { return stats_; }

private:
    struct Waiting {  // a datagram whose destination's station address is asked for
        std::uint16_t port;
        net::UdpEndpoint to;
        std::vector<std::byte> payload;
    };
    bool answer(std::span<const std::byte> frame);
    void learn(std::uint32_t ip, const net::MacAddress& mac);
    bool transmit_built();
    void show_taps(const std::vector<Tap>& taps, std::span<const std::byte> frame, bool outbound);

    // NetStack — state
    NetDevice* device_ = nullptr;
    std::uint32_t ip_ = 0;
    unsigned prefix_length_ = 24;
    bool answering_ = false;
    std::map<std::uint32_t, net::MacAddress> arp_cache_;
    std::vector<Waiting> waiting_;
    std::uint16_t next_ip_id_ = 1;
    std::vector<Tap> taps_;
    std::vector<Tap> tx_taps_;
    TapFilter tap_filter_;
    std::map<std::uint16_t, UdpHandler> udp_ports_;
    std::vector<std::byte> tx_frame_;  // reused for every frame sent
    NetStats stats_;
};

}  // namespace twinos::os
