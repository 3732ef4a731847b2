// SPDX-License-Identifier: MIT
// ServerHost: answering a request with a burst of checked frames.
#include "twinos/edge/server_host.h"

#include <charconv>

#include "twinos/os/fig6_client.h"

namespace twinos::edge {

using namespace twinos::machine;

ServerHost::ServerHost(Link& link, net::UdpEndpoint self, Ticks think_time)
    : link_(link), self_(self), think_time_(think_time) {
    link_.add_sink(*this);
}

bool parse_fig6_request(std::string_view text, std::uint32_t& count,
                        std::vector<std::uint32_t>& sizes) {
    auto number = [](std::string_view s, std::uint32_t& out) {
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        return ec == std::errc() && end == s.data() + s.size();
    };
    const std::size_t space = text.find(' ');
    if (text.substr(0, 6) != "count=" || space == std::string_view::npos) return false;
    if (!number(text.substr(6, space - 6), count)) return false;
    std::string_view list = text.substr(space + 1);
    if (list.substr(0, 6) != "sizes=") return false;
    list.remove_prefix(6);
    sizes.clear();
    while (!list.empty()) {
        const std::size_t comma = std::min(list.find(','), list.size());
        std::uint32_t size = 0;
        if (!number(list.substr(0, comma), size) || size < kMinReplyFrame ||
            size > kMaxReplyFrame) {
            return false;
        }
        sizes.push_back(size);
        list.remove_prefix(std::min(comma + 1, list.size()));
    }
    return !sizes.empty();
}

// [twinos:server-reply]
void ServerHost::on_transmit(Ticks at, std::span<const std::byte> frame) {
    auto request = net::parse_udp_frame(frame);
    if (!request || request->destination.ip != self_.ip ||
        request->destination.port != self_.port) {
        return;  // not for us
    }
    std::uint32_t count = 0;
    std::vector<std::uint32_t> sizes;
    const std::string_view text(reinterpret_cast<const char*>(request->payload.data()),
                                request->payload.size());
    if (!parse_fig6_request(text, count, sizes)) {
        ++stats_.bad_requests;
        return;
    }
    ++stats_.requests;
    // Back to back: each reply leaves when the wire is free again.
    Ticks when = later_of(at + think_time_, next_send_);
    std::vector<std::byte> payload;
    for (std::uint32_t sequence = 0; sequence < count; ++sequence) {
        const std::uint32_t size = sizes[sequence % sizes.size()];
        payload.resize(size - net::kUdpFrameOverhead);
        for (int i = 0; i < 4; ++i) payload[i] = std::byte(sequence >> (24 - 8 * i));
        for (std::size_t i = 4; i < payload.size(); ++i) payload[i] = os::fig6_pattern(sequence, i);
        WireFrame reply;
        net::build_udp_frame(reply.bytes, self_, request->source, payload,
                             static_cast<std::uint16_t>(sequence));
        reply.original_length = static_cast<std::uint32_t>(reply.bytes.size());
        when = when + link_.wire_time(reply.bytes.size());  // arrives when fully received
        ++stats_.replies;
        stats_.bytes += reply.bytes.size();
        link_.inject(when, std::move(reply));
    }
    next_send_ = when;
}
// [/twinos:server-reply]

}  // namespace twinos::edge
