// SPDX-License-Identifier: MIT
// LiveSession: boot, the client's request, the real-time run.
#include "twinos/edge/live_session.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace twinos::edge {

using namespace twinos::machine;

LiveSession::LiveSession(os::TwinOs& twin, LiveOptions options)
    : twin_(twin), options_(std::move(options)), wire_(*options_.tap, twin) {
    if (options_.server) {
        twin_.set_init(OsId::Coexisting, [this](os::Kernel& kernel) {
            client_ = std::make_unique<os::Fig6Client>(kernel, *options_.server);
            client_->request(options_.request_count, options_.sizes);
        });
    }
}

bool LiveSession::client_complete() const {
    if (!options_.server) return true;
    return client_ && client_->done() && client_->stats().replies == options_.request_count;
}

void LiveSession::run(std::function<bool()> stop) {
    twin_.boot();
    twin_.run_until(milliseconds(1));  // both kernels up, the driver open
    LiveLimits limits = options_.limits;
    if (stop) limits.stop = std::move(stop);
    if (options_.server) {
        const std::function<bool()> also = limits.done;
        limits.done = [this, also] { return client_complete() || (also && also()); };
    }
    wire_.run(limits);
}

void add_host_stage(LossLedger& ledger, const LiveSession& live, const Link& link) {
    const LiveStats& s = live.stats();
    const auto host_dropped = static_cast<std::uint64_t>(std::max<std::int64_t>(0, s.host_dropped));
    ledger.add_front({"host",
                      "host -> wire",
                      s.frames_in + s.oversized + host_dropped + s.left_in_host_queue,
                      s.frames_in,
                      {{"host_dropped", "dropped by the host's kernel: sent faster than the link",
                        host_dropped, true, "a higher --link-speed"},
                       {"oversized", "longer than an Ethernet frame", s.oversized, true,
                        "an MTU of 1500 on the TAP"},
                       {"left_in_host_queue", "still in the host's queue when the run ended",
                        s.left_in_host_queue, true, "a longer --duration, or a larger -c"}}});
    ledger.expect_equal("frames taken from the TAP vs frames on the wire", s.frames_in,
                        link.counters().to_nic);
}

std::pair<std::uint32_t, unsigned> parse_address(const std::string& text) {
    const std::size_t slash = text.find('/');
    const std::string ip_text = text.substr(0, slash);
    in_addr a{};
    unsigned prefix = 24;
    bool ok = ::inet_pton(AF_INET, ip_text.c_str(), &a) == 1;
    if (ok && slash != std::string::npos) {
        const std::string p = text.substr(slash + 1);
        auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
        ok = ec == std::errc() && end == p.data() + p.size() && prefix >= 1 && prefix <= 30;
    }
    if (!ok) {
        throw std::invalid_argument("--address: '" + text +
                                    "' is not an IPv4 address with an optional /PREFIX (1..30), "
                                    "e.g. 10.0.2.15/24");
    }
    return {ntohl(a.s_addr), prefix};
}

net::UdpEndpoint parse_server(const std::string& text) {
    const std::size_t colon = text.rfind(':');
    in_addr a{};
    unsigned port = 0;
    bool ok =
        colon != std::string::npos && ::inet_pton(AF_INET, text.substr(0, colon).c_str(), &a) == 1;
    if (ok) {
        const char* p = text.data() + colon + 1;
        auto [end, ec] = std::from_chars(p, text.data() + text.size(), port);
        ok = ec == std::errc() && end == text.data() + text.size() && port >= 1 && port <= 65535;
    }
    if (!ok) {
        throw std::invalid_argument("--server: '" + text +
                                    "' is not ADDR:PORT, e.g. 10.0.2.2:7007");
    }
    net::UdpEndpoint e;
    e.ip = ntohl(a.s_addr);
    e.port = static_cast<std::uint16_t>(port);
    return e;  // e.mac stays zero: the stack asks ARP
}

}  // namespace twinos::edge
