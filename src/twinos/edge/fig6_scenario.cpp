// SPDX-License-Identifier: MIT
// Fig6Scenario: server on the wire, client in the co-existing OS, run to the end.
#include "twinos/edge/fig6_scenario.h"

namespace twinos::edge {

using namespace twinos::machine;

namespace {
// The server's station address: a locally administered one.
constexpr net::MacAddress kServerMac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
}  // namespace

Fig6Scenario::Fig6Scenario(os::TwinOs& twin, Fig6Options options)
    : twin_(twin),
      options_(std::move(options)),
      server_(twin.machine().link(), net::UdpEndpoint{kServerMac, kServerIp, kServerPort}) {
    // [twinos:fig6-client-start]
    twin_.set_init(OsId::Coexisting, [this](os::Kernel& kernel) {
        client_ = std::make_unique<os::Fig6Client>(kernel, server_.self());
        client_->request(options_.count, options_.frame_sizes);
    });
    // [/twinos:fig6-client-start]
}

Ticks Fig6Scenario::budget() const {
    if (options_.budget > Ticks{0}) return options_.budget;
    Ticks wire{0};
    const std::vector<std::uint32_t>& sizes = options_.frame_sizes;
    for (std::uint32_t i = 0; i < options_.count; ++i) {
        wire = wire + twin_.machine().link().wire_time(sizes[i % sizes.size()]);
    }
    return milliseconds(1000) + wire * 3;
}

bool Fig6Scenario::run() {
    twin_.boot();
    const Ticks limit = budget();
    // Run in slices so that a finished client ends the run early.
    const Ticks slice = milliseconds(1);
    Ticks t = twin_.machine().clock().now();
    auto finished = [this] {
        return client_ && client_->done() && (!options_.also_wait_for || options_.also_wait_for());
    };
    while (t < limit && !finished()) {
        t = t + slice;
        twin_.run_until(t);
        if (after_slice_ && !after_slice_()) break;
    }
    return client_ && client_->done() && client_->stats().replies == options_.count;
}

}  // namespace twinos::edge
