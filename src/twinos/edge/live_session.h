// SPDX-License-Identifier: MIT
// LiveSession: a twin machine on a real wire, from boot to the last frame.
// An edge adapter: what `twinos run -i` runs, monitored or `--original`.
//
// The co-existing OS gets its address (`--address`, default 10.0.2.15/24)
// and answers ARP and ICMP echo, so a host on the TAP's side can `ping` it.
// With `--server ADDR:PORT` its Fig. 6 client asks a real server -- the
// shipped scripts/fig6_server.py on the peer's side -- for `count` frames,
// resolving the server's station address by ARP first, and the run ends
// when every reply has arrived (or at the duration, or Ctrl-C).
//
// Chapter: chapters/03-nic.rst; the walk-through: chapters/06-monitor-ap.rst.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "twinos/edge/live_wire.h"
#include "twinos/edge/loss_ledger.h"
#include "twinos/os/fig6_client.h"

namespace twinos::edge {

/// The address the co-existing OS has on a live wire by default: 10.0.2.15/24.
inline constexpr std::uint32_t kLiveDefaultIp = 0x0a00020f;

/// What a live run is asked to do.
struct LiveOptions {
    std::shared_ptr<TapDevice> tap;  ///< The host's end of the wire.
    LiveLimits limits;               ///< When it ends (`run` adds its `stop`).
    /// The Fig. 6 server to ask (its `mac` stays zero: ARP finds it), or none.
    std::optional<net::UdpEndpoint> server;
    std::uint32_t request_count = 1000;  ///< Frames the client asks for.
    std::vector<std::uint32_t> sizes;    ///< Their sizes, cycled.
};

/// A twin machine joined to a TAP device.
class LiveSession {
public:
    /// Attach to `twin` (not booted yet): the wire, and the client when a
    /// server is given.
    LiveSession(os::TwinOs& twin, LiveOptions options);

    /// Boot, run in real time until a limit ends it or `stop` says so.
    void run(std::function<bool()> stop = {});

    /// What crossed the wire.
    const LiveStats& stats() const { return wire_.stats(); }
    /// The client, when a server was given (once the co-existing OS booted).
    const os::Fig6Client* client() const { return client_.get(); }
    /// True when no server was given, or the client got every reply.
    bool client_complete() const;
    /// The options.
    const LiveOptions& options() const { return options_; }

private:
    os::TwinOs& twin_;
    LiveOptions options_;
    LiveWire wire_;
    std::unique_ptr<os::Fig6Client> client_;
};

/// Put the host's stage in front of `ledger`: the frames the host sent
/// toward the TAP, those its kernel dropped (when its counter could be
/// read) or that were too long, and -- checked against the link's own
/// count -- those that reached the wire.
void add_host_stage(LossLedger& ledger, const LiveSession& live, const machine::Link& link);

/// `--address ADDR/PREFIX` (prefix 1..30; /24 when left out), host byte
/// order. @throws std::invalid_argument naming the option.
std::pair<std::uint32_t, unsigned> parse_address(const std::string& text);
/// `--server ADDR:PORT`. @throws std::invalid_argument naming the option.
net::UdpEndpoint parse_server(const std::string& text);

}  // namespace twinos::edge
