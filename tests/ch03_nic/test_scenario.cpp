// SPDX-License-Identifier: MIT
// Chapter 3 tests: the paper's Fig. 6 scenario, and the frames it is made of.
#include <gtest/gtest.h>

#include "nic_bench.h"
#include "twinos/edge/fig6_scenario.h"
#include "twinos/net/packet.h"

namespace twinos::test {
namespace {

TEST(Packet, Ipv4HeaderChecksumMatchesAKnownAnswer) {
    // A well-known example header (192.168.0.1 -> 192.168.0.199, UDP) whose
    // checksum field holds 0xb861; summed with it the result must be 0.
    const std::uint8_t header[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                                     0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    const auto* b = reinterpret_cast<const std::byte*>(header);
    EXPECT_EQ(net::internet_checksum({b, 20}), 0);
    std::uint8_t zeroed[20];
    std::copy(header, header + 20, zeroed);
    zeroed[10] = zeroed[11] = 0;
    EXPECT_EQ(net::internet_checksum({reinterpret_cast<const std::byte*>(zeroed), 20}), 0xb861);
    // The fixed-size form the stack's input uses gives the same answers.
    EXPECT_EQ(net::ipv4_header_checksum(b), 0);
    EXPECT_EQ(net::ipv4_header_checksum(reinterpret_cast<const std::byte*>(zeroed)), 0xb861);
}

TEST(Packet, ChecksumAgreesWithTheWordByWordDefinitionForAnyLengthAndStart) {
    // RFC 1071 as written: big-endian 16-bit words, odd byte padded, carries
    // folded back. The fast version sums wider words in the host's order.
    auto by_definition = [](const std::vector<std::byte>& b, std::uint32_t sum) {
        for (std::size_t i = 0; i < b.size(); i += 2) {
            sum += std::to_integer<std::uint32_t>(b[i]) << 8;
            if (i + 1 < b.size()) sum += std::to_integer<std::uint32_t>(b[i + 1]);
        }
        while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
        return static_cast<std::uint16_t>(~sum);
    };
    std::uint32_t seed = 12345;
    auto next = [&] { return seed = seed * 1103515245u + 12345u; };
    for (int round = 0; round < 2000; ++round) {
        std::vector<std::byte> bytes(next() % (round % 10 == 0 ? 1600 : 200));  // to MTU size
        for (std::byte& b : bytes) b = std::byte(next() >> 16);
        if (round % 7 == 0) std::fill(bytes.begin(), bytes.end(), std::byte{0xff});
        const std::uint32_t start = round % 3 ? (next() >> 8) % 0x40000 : 0;
        ASSERT_EQ(net::internet_checksum(bytes, start), by_definition(bytes, start))
            << "length " << bytes.size() << ", start " << start;
        if (bytes.size() >= 20) {
            ASSERT_EQ(net::ipv4_header_checksum(bytes.data()),
                      net::internet_checksum({bytes.data(), 20}))
                << "the first 20 of " << bytes.size() << " bytes";
        }
    }
}

TEST(Packet, BuiltUdpFramesParseBackAndCorruptionIsCaught) {
    const net::UdpEndpoint a{{2, 0, 0, 0, 0, 1}, 0x0a000001, 7};
    const net::UdpEndpoint b{{2, 0, 0, 0, 0, 2}, 0x0a000002, 5001};
    std::vector<std::byte> payload(11);
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = std::byte(i * 3);
    std::vector<std::byte> frame;
    net::build_udp_frame(frame, a, b, payload, 42);
    EXPECT_EQ(frame.size(), 53u);  // the paper's headers-only copy length
    auto parsed = net::parse_udp_frame(frame);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->source.port, 7);
    EXPECT_EQ(parsed->destination.ip, 0x0a000002u);
    EXPECT_TRUE(std::equal(parsed->payload.begin(), parsed->payload.end(), payload.begin()));
    frame[50] ^= std::byte{0x10};  // one bit of payload
    EXPECT_FALSE(net::parse_udp_frame(frame).has_value());
    frame[50] ^= std::byte{0x10};
    frame[22] ^= std::byte{0x01};  // the TTL: IPv4 header checksum fails
    EXPECT_FALSE(net::parse_udp_frame(frame).has_value());
}

TEST(Fig6Scenario, TheTimeBudgetGrowsWithTheRequestUnlessOneIsGiven) {
    os::TwinOs twin(MachineConfig::original(32ull << 20));
    edge::Fig6Options options;
    options.count = 300'000;
    options.frame_sizes = {1514, 53};
    const edge::Fig6Scenario scaled(twin, options);
    const Ticks pair = twin.machine().link().wire_time(1514) + twin.machine().link().wire_time(53);
    EXPECT_EQ(scaled.budget(), milliseconds(1000) + pair * 150'000 * 3);
    EXPECT_GT(scaled.budget(), milliseconds(30'000));  // 300k frames need ~20 s of wire
    options.budget = milliseconds(5);
    os::TwinOs other(MachineConfig::original(32ull << 20));
    edge::Fig6Scenario bounded(other, options);
    EXPECT_EQ(bounded.budget(), milliseconds(5));
    EXPECT_FALSE(bounded.run());  // 5 ms is far too short: the run says so
    EXPECT_LE(other.machine().clock().now(), milliseconds(6));
}

TEST(Fig6Scenario, TheClientReceivesEveryFrameItAskedFor) {
    os::TwinOs twin(MachineConfig::original(32ull << 20));
    edge::Fig6Options options;
    options.count = 500;
    edge::Fig6Scenario scenario(twin, options);
    Recorder on_wire;
    twin.machine().link().add_sink(on_wire);
    ASSERT_TRUE(scenario.run());
    const os::Fig6ClientStats& s = scenario.client()->stats();
    EXPECT_EQ(s.replies, 500u);
    EXPECT_EQ(s.corrupt, 0u);
    EXPECT_EQ(s.out_of_order, 0u);
    EXPECT_EQ(scenario.server().stats().requests, 1u);
    EXPECT_EQ(scenario.server().stats().replies, 500u);
    // Exactly one frame went out: the request.
    ASSERT_EQ(on_wire.kept().size(), 1u);
    EXPECT_TRUE(net::parse_udp_frame(on_wire.kept()[0].bytes).has_value());
}

TEST(Fig6Scenario, DefaultSizesRunFromHeadersOnlyToFullFrames) {
    edge::Fig6Options options;
    EXPECT_EQ(options.frame_sizes.front(), 53u);
    EXPECT_EQ(options.frame_sizes.back(), 1514u);
    os::TwinOs twin(MachineConfig::original(32ull << 20));
    options.count = 16;
    edge::Fig6Scenario scenario(twin, options);
    ASSERT_TRUE(scenario.run());
    EXPECT_EQ(scenario.client()->stats().bytes,
              2 * (53 + 64 + 128 + 256 + 512 + 1024 + 1280 + 1514));
}

TEST(Fig6Scenario, ServerRefusesMalformedRequests) {
    std::uint32_t count = 0;
    std::vector<std::uint32_t> sizes;
    EXPECT_TRUE(edge::parse_fig6_request("count=3 sizes=53,1514", count, sizes));
    EXPECT_EQ(count, 3u);
    EXPECT_EQ(sizes, (std::vector<std::uint32_t>{53, 1514}));
    EXPECT_FALSE(edge::parse_fig6_request("count=3 sizes=45", count, sizes));    // below headers
    EXPECT_FALSE(edge::parse_fig6_request("count=3 sizes=1515", count, sizes));  // above 1514
    EXPECT_FALSE(edge::parse_fig6_request("count=x sizes=53", count, sizes));
    EXPECT_FALSE(edge::parse_fig6_request("sizes=53 count=3", count, sizes));
}

}  // namespace
}  // namespace twinos::test
