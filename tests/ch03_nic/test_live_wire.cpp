// SPDX-License-Identifier: MIT
// Chapter 3 tests: a host a real peer can reach -- ARP and echo answers, ARP
// resolution -- and the live wire, on a socket pair standing in for a TAP
// device (no root needed). The real TAP device, ping and tcpdump are in
// tests/live/live_wire_test.py.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

#include "twinos/edge/live_session.h"
#include "twinos/net/arp.h"
#include "twinos/net/icmp_echo.h"
#include "twinos/os/net_stack.h"

namespace twinos::test {
namespace {

using namespace twinos::machine;

constexpr std::uint32_t kSelf = 0x0a00020f;  // 10.0.2.15
constexpr std::uint32_t kPeer = 0x0a000202;  // 10.0.2.2
constexpr net::MacAddress kSelfMac = {0x00, 0x50, 0x04, 0x11, 0x22, 0x33};
constexpr net::MacAddress kPeerMac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};

// A network device that keeps what the stack sends.
class RecordingDevice : public os::NetDevice {
public:
    const std::string& name() const override { return name_; }
    net::MacAddress mac() const override { return kSelfMac; }
    bool transmit(std::span<const std::byte> frame) override {
        sent.emplace_back(frame.begin(), frame.end());
        return true;
    }
    void set_promiscuous(bool) override {}
    std::vector<std::vector<std::byte>> sent;

private:
    std::string name_ = "eth0";
};

struct StackFixture : ::testing::Test {
    void SetUp() override {
        stack.attach(device);
        stack.set_ipv4(kSelf, 24);
        stack.set_answering(true);
    }
    std::vector<std::byte> arp(net::ArpOperation op, std::uint32_t target) {
        std::vector<std::byte> f;
        const bool reply = op == net::ArpOperation::Reply;
        net::build_arp_frame(f,
                             {op, kPeerMac, kPeer, reply ? kSelfMac : net::MacAddress{}, target});
        return f;
    }
    std::vector<std::byte> echo_request(std::size_t data_bytes) {
        // Built by hand, field by field: the stack's own builders are not the reference.
        std::vector<std::byte> f(14 + 20 + 8 + data_bytes);
        net::write_ethernet_header(f.data(), kSelfMac, kPeerMac, net::kEtherTypeIpv4);
        net::write_ipv4_header(f.data() + 14, net::kIpProtocolIcmp,
                               static_cast<std::uint16_t>(20 + 8 + data_bytes), 77, kPeer, kSelf);
        std::byte* icmp = f.data() + 34;
        icmp[0] = std::byte{8};
        icmp[4] = std::byte{0x12};  // identifier 0x1234
        icmp[5] = std::byte{0x34};
        icmp[7] = std::byte{9};  // sequence 9
        for (std::size_t i = 0; i < data_bytes; ++i) icmp[8 + i] = std::byte(i * 3);
        const std::uint16_t sum = net::internet_checksum({icmp, 8 + data_bytes});
        icmp[2] = std::byte(sum >> 8);
        icmp[3] = std::byte(sum & 0xff);
        return f;
    }
    RecordingDevice device;
    os::NetStack stack;
};

TEST_F(StackFixture, AnswersAnArpRequestForItsAddressWithItsStationAddress) {
    stack.input(arp(net::ArpOperation::Request, kSelf));
    ASSERT_EQ(device.sent.size(), 1u);
    const auto reply = net::parse_arp_frame(device.sent[0]);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->operation, net::ArpOperation::Reply);
    EXPECT_EQ(reply->sender_mac, kSelfMac);
    EXPECT_EQ(reply->sender_ip, kSelf);
    EXPECT_EQ(reply->target_mac, kPeerMac);
    EXPECT_EQ(reply->target_ip, kPeer);
    // Addressed to the asker, not broadcast.
    EXPECT_EQ(0, std::memcmp(device.sent[0].data(), kPeerMac.data(), 6));
    EXPECT_EQ(stack.stats().arp_answered, 1u);
    ASSERT_NE(stack.arp_lookup(kPeer), nullptr);
    EXPECT_EQ(*stack.arp_lookup(kPeer), kPeerMac);
}

TEST_F(StackFixture, StaysSilentForOtherAddressesAndWhenNotAnswering) {
    stack.input(arp(net::ArpOperation::Request, kSelf + 1));
    stack.input(echo_request(16));      // (to us, but...)
    EXPECT_EQ(device.sent.size(), 1u);  // ... only the echo: the ARP was for someone else
    EXPECT_EQ(stack.arp_lookup(kPeer), nullptr);
    stack.set_answering(false);
    stack.input(arp(net::ArpOperation::Request, kSelf));
    stack.input(echo_request(16));
    EXPECT_EQ(device.sent.size(), 1u);  // a replay's frames are not ours to answer
}

TEST_F(StackFixture, AnswersAnEchoRequestWithTheSameIdentifierSequenceAndData) {
    for (std::size_t data : {0u, 1u, 56u, 1472u}) {
        device.sent.clear();
        const std::vector<std::byte> request = echo_request(data);
        stack.input(request);
        ASSERT_EQ(device.sent.size(), 1u) << data;
        const std::vector<std::byte>& r = device.sent[0];
        ASSERT_EQ(r.size(), request.size());
        EXPECT_EQ(0, std::memcmp(r.data(), kPeerMac.data(), 6));           // to the asker
        EXPECT_EQ(0, std::memcmp(r.data() + 6, kSelfMac.data(), 6));       // from us
        EXPECT_EQ(net::internet_checksum({r.data() + 14, 20}), 0);         // IPv4 header verifies
        EXPECT_EQ(std::to_integer<int>(r[14 + 9]), 1);                     // ICMP
        EXPECT_EQ(0, std::memcmp(r.data() + 26, request.data() + 30, 4));  // src <- dst
        EXPECT_EQ(0, std::memcmp(r.data() + 30, request.data() + 26, 4));  // dst <- src
        const std::span<const std::byte> icmp{r.data() + 34, r.size() - 34};
        EXPECT_EQ(std::to_integer<int>(icmp[0]), 0);  // echo reply
        EXPECT_EQ(net::internet_checksum(icmp), 0);
        EXPECT_EQ(0, std::memcmp(icmp.data() + 4, request.data() + 38, 4 + data));
    }
    EXPECT_EQ(stack.stats().echo_answered, 4u);
    // A request with a damaged checksum is not answered.
    std::vector<std::byte> bad = echo_request(8);
    bad.back() ^= std::byte{1};
    device.sent.clear();
    stack.input(bad);
    EXPECT_TRUE(device.sent.empty());
}

TEST_F(StackFixture, ADatagramToAnUnknownStationWaitsForArpThenGoesOut) {
    const std::byte payload[3] = {std::byte{1}, std::byte{2}, std::byte{3}};
    ASSERT_TRUE(stack.udp_send(5001, {net::MacAddress{}, kPeer, 7007}, payload));
    ASSERT_EQ(device.sent.size(), 1u);  // the ARP request, broadcast
    const auto ask = net::parse_arp_frame(device.sent[0]);
    ASSERT_TRUE(ask);
    EXPECT_EQ(ask->operation, net::ArpOperation::Request);
    EXPECT_EQ(ask->target_ip, kPeer);
    EXPECT_EQ(0, std::memcmp(device.sent[0].data(), net::kBroadcastMac.data(), 6));
    ASSERT_TRUE(stack.udp_send(5001, {net::MacAddress{}, kPeer, 7007}, payload));
    EXPECT_EQ(device.sent.size(), 1u);  // asked once, both wait
    EXPECT_EQ(stack.waiting_for_arp(), 2u);
    stack.input(arp(net::ArpOperation::Reply, kSelf));
    ASSERT_EQ(device.sent.size(), 3u);
    for (int i = 1; i <= 2; ++i) {
        const auto d = net::parse_udp_frame(device.sent[i]);
        ASSERT_TRUE(d);
        EXPECT_EQ(d->destination.mac, kPeerMac);
        EXPECT_EQ(d->destination.port, 7007);
        EXPECT_EQ(d->payload.size(), 3u);
    }
    EXPECT_EQ(stack.waiting_for_arp(), 0u);
    // Known now: straight out.
    ASSERT_TRUE(stack.udp_send(5001, {net::MacAddress{}, kPeer, 7007}, payload));
    EXPECT_EQ(device.sent.size(), 4u);
}

TEST_F(StackFixture, RefusesOffLinkAddressesAndCountsAnOverfullArpQueue) {
    const std::byte payload[1] = {std::byte{1}};
    EXPECT_FALSE(stack.udp_send(1, {net::MacAddress{}, 0x0a000302, 7}, payload));  // 10.0.3.2
    EXPECT_EQ(stack.stats().tx_off_link, 1u);
    for (std::size_t i = 0; i < os::NetStack::kMaxWaitingForArp; ++i) {
        EXPECT_TRUE(stack.udp_send(1, {net::MacAddress{}, kPeer, 7}, payload));
    }
    EXPECT_FALSE(stack.udp_send(1, {net::MacAddress{}, kPeer, 7}, payload));
    EXPECT_EQ(stack.stats().tx_unresolved, 1u);
}

TEST(LiveOptions, AddressesAndServersAreCheckedAndNamed) {
    EXPECT_EQ(edge::parse_address("10.0.2.15"), std::make_pair(0x0a00020fu, 24u));
    EXPECT_EQ(edge::parse_address("192.168.7.1/16"), std::make_pair(0xc0a80701u, 16u));
    for (const char* bad : {"10.0.2", "10.0.2.15/0", "10.0.2.15/31", "10.0.2.15/x", ""}) {
        try {
            edge::parse_address(bad);
            ADD_FAILURE() << bad;
        } catch (const std::invalid_argument& e) {
            EXPECT_NE(std::string(e.what()).find("--address: '" + std::string(bad) + "'"),
                      std::string::npos);
        }
    }
    const net::UdpEndpoint s = edge::parse_server("10.0.2.2:7007");
    EXPECT_EQ(s.ip, kPeer);
    EXPECT_EQ(s.port, 7007);
    EXPECT_EQ(s.mac, net::MacAddress{});  // ARP will say
    for (const char* bad : {"10.0.2.2", "10.0.2.2:0", "10.0.2.2:70000", "host:7", ":7"}) {
        EXPECT_THROW(edge::parse_server(bad), std::invalid_argument) << bad;
    }
}

TEST(TapDevice, AMissingDeviceIsNamedWithTheCommandThatMakesIt) {
    try {
        edge::TapDevice::open("twinos-absent", false);
        FAIL() << "opened a device that does not exist";
    } catch (const edge::TapError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("no such TAP device 'twinos-absent'"), std::string::npos) << what;
        EXPECT_NE(what.find("ip tuntap add dev twinos-absent mode tap"), std::string::npos);
    }
    EXPECT_THROW(edge::TapDevice::open("a-name-longer-than-ifnamsiz", false), edge::TapError);
    EXPECT_THROW(edge::TapDevice::open("", true), edge::TapError);
}

// A socket pair stands in for the TAP device: one frame per read and write.
struct LiveFixture : ::testing::Test {
    void SetUp() override {
        int fds[2];
        ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fds), 0);
        peer = fds[1];
        tap = std::make_shared<edge::TapDevice>(edge::TapDevice::adopt(fds[0], "pair0"));
        twin_options.coexisting_ip = kSelf;
        twin_options.coexisting_answers = true;
    }
    void TearDown() override { ::close(peer); }
    void host_sends(const std::vector<std::byte>& frame) {
        ASSERT_EQ(::write(peer, frame.data(), frame.size()), static_cast<ssize_t>(frame.size()));
    }
    std::vector<std::vector<std::byte>> host_receives() {
        std::vector<std::vector<std::byte>> got;
        std::byte buffer[2048];
        for (;;) {
            const ssize_t n = ::recv(peer, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n <= 0) return got;
            got.emplace_back(buffer, buffer + n);
        }
    }
    int peer = -1;
    std::shared_ptr<edge::TapDevice> tap;
    os::TwinOsOptions twin_options;
};

TEST_F(LiveFixture, AHostOnTheWireIsAnsweredInRealTime) {
    os::TwinOs twin(MachineConfig::original(32ull << 20), twin_options);
    edge::LiveOptions options;
    options.tap = tap;
    options.limits.duration = milliseconds(300);
    edge::LiveSession live(twin, options);
    // Sent before the machine starts: waiting on the "TAP" when the wire opens.
    std::vector<std::byte> ask;
    net::build_arp_frame(ask, {net::ArpOperation::Request, kPeerMac, kPeer, {}, kSelf});
    host_sends(ask);
    const std::int64_t before = edge::host_monotonic_ns();
    live.run();
    const std::int64_t took = edge::host_monotonic_ns() - before;
    // Real time: the machine ran 300 ms of simulated time in no less.
    EXPECT_GE(took, 300'000'000);
    // The duration, and the millisecond that answers what arrived.
    EXPECT_GE(live.stats().ran, milliseconds(300));
    EXPECT_LT(live.stats().ran, milliseconds(400));
    const auto got = host_receives();
    ASSERT_EQ(got.size(), 1u);
    const auto reply = net::parse_arp_frame(got[0]);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->operation, net::ArpOperation::Reply);
    EXPECT_EQ(reply->target_ip, kPeer);
    EXPECT_EQ(live.stats().frames_in, 1u);
    EXPECT_EQ(live.stats().frames_out, 1u);
    EXPECT_EQ(twin.machine().link().counters().to_nic, 1u);
    EXPECT_EQ(twin.machine().link().counters().from_nic, 1u);
    // Stamped with the host's clock, not the replay epoch of 2006.
    EXPECT_GT(twin.machine().link().wall_time(twin.machine().clock().now()),
              std::int64_t{1'700'000'000} * 1'000'000'000);
    EXPECT_FALSE(live.stats().error);
}

TEST_F(LiveFixture, ACountOfFramesEndsTheRunBeforeItsDuration) {
    os::TwinOs twin(MachineConfig::original(32ull << 20), twin_options);
    edge::LiveOptions options;
    options.tap = tap;
    options.limits.duration = milliseconds(20'000);
    options.limits.count = 2;
    edge::LiveSession live(twin, options);
    std::vector<std::byte> ask;
    net::build_arp_frame(ask, {net::ArpOperation::Request, kPeerMac, kPeer, {}, kSelf});
    for (int i = 0; i < 3; ++i) host_sends(ask);
    live.run();
    EXPECT_LT(live.stats().ran, milliseconds(1'000));
    EXPECT_EQ(live.stats().frames_in, 2u);  // the third stays with the host
    EXPECT_EQ(host_receives().size(), 2u);
}

TEST_F(LiveFixture, TheOtherEndGoingAwayEndsTheRunWithTheReasonAndKeepsTheCounts) {
    os::TwinOs twin(MachineConfig::original(32ull << 20), twin_options);
    edge::LiveOptions options;
    options.tap = tap;
    options.limits.duration = milliseconds(20'000);
    edge::LiveSession live(twin, options);
    std::vector<std::byte> ask;
    net::build_arp_frame(ask, {net::ArpOperation::Request, kPeerMac, kPeer, {}, kSelf});
    host_sends(ask);
    std::signal(SIGPIPE, SIG_IGN);  // as the command does: a write error, not a signal
    ::shutdown(peer, SHUT_RDWR);
    live.run();
    ASSERT_TRUE(live.stats().error);
    EXPECT_NE(live.stats().error->find("pair0"), std::string::npos) << *live.stats().error;
    EXPECT_LT(live.stats().ran, milliseconds(1'000));
    EXPECT_EQ(live.stats().frames_in, 1u);  // what came before still arrived
}

}  // namespace
}  // namespace twinos::test
