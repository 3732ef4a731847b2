// SPDX-License-Identifier: MIT
// Chapter 8 tests: a compromised co-existing OS against the monitor. For
// several seeds the guest's own capture lacks the implant's frames and the
// monitor's has every one, whole and outbound; every hunting attempt is
// refused or contained, and the preceding OS's memory is what it would have
// been without the hunt; the run is deterministic. Then lab 8's rule file.
#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "../common/run_twinos.h"
#include "monitor/intruder_rules.h"
#include "monitor/intruder_run.h"
#include "monitor/rule_file.h"
#include "twinos/machine/costs.h"

namespace twinos::test {
namespace {

using namespace twinos::machine;
namespace fs = std::filesystem;

struct Frame {
    std::vector<std::byte> bytes;
    std::uint32_t length;
};

// Read a capture with libpcap itself: the tests do not trust our reader.
std::vector<Frame> read_with_libpcap(const std::string& path) {
    char err[PCAP_ERRBUF_SIZE];
    pcap_t* p = pcap_open_offline(path.c_str(), err);
    EXPECT_NE(p, nullptr) << err;
    std::vector<Frame> frames;
    if (p == nullptr) return frames;
    pcap_pkthdr* h;
    const u_char* data;
    while (pcap_next_ex(p, &h, &data) == 1) {
        const auto* b = reinterpret_cast<const std::byte*>(data);
        frames.push_back({{b, b + h->caplen}, h->len});
    }
    pcap_close(p);
    return frames;
}

std::string temp(const std::string& name) {
    return (fs::temp_directory_path() / ("twinos-ch08-" + std::to_string(::getpid()) + "-" + name))
        .string();
}

monitor::IntruderOptions options_for(std::uint64_t seed, const std::string& out) {
    monitor::IntruderOptions o;
    o.seed = seed;
    o.monitor.output = out;
    o.monitor.format = monitor::format_for(out);
    o.monitor.rules = monitor::command_line_rules("", 0, 1536);
    o.traffic.count = 200;
    return o;
}

// The implant's frames are the ones to or from its peer (198.51.100.0/24).
bool to_the_peer(const std::vector<std::byte>& f) {
    return f.size() >= 34 && std::to_integer<int>(f[12]) == 0x08 &&
           std::to_integer<int>(f[13]) == 0x00 && std::to_integer<int>(f[30]) == 198 &&
           std::to_integer<int>(f[31]) == 51 && std::to_integer<int>(f[32]) == 100;
}

class IntruderSeeds : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(IntruderSeeds, TheGuestsCaptureIsFalsifiedAndTheMonitorsHasEveryImplantFrame) {
    const std::string out = temp("monitor-" + std::to_string(GetParam()) + ".pcapng");
    const std::string guest = temp("guest-" + std::to_string(GetParam()) + ".pcap");
    monitor::IntruderOptions o = options_for(GetParam(), out);
    o.guest_capture = guest;
    const monitor::IntruderResult r = monitor::run_intruder(o);
    EXPECT_TRUE(r.traffic_complete);
    ASSERT_GT(r.implant_frames, r.plan.visible + r.plan.hidden - 1);
    // The guest's file, read back: not one implant frame left in it, though
    // it saw the first few (and the implant erased exactly those).
    const std::vector<Frame> in_guest = read_with_libpcap(guest);
    EXPECT_EQ(in_guest.size(), r.guest_records);
    for (const Frame& f : in_guest) EXPECT_FALSE(to_the_peer(f.bytes));
    EXPECT_EQ(r.guest_erased, r.plan.visible);
    // The monitor's file: every implant frame the card sent, whole, once --
    // counted here from the file and the wire, not from the result.
    std::multiset<std::vector<std::byte>> whole;
    for (const Frame& f : read_with_libpcap(out)) {
        if (to_the_peer(f.bytes)) {
            EXPECT_EQ(f.bytes.size(), f.length) << "an implant frame cut short";
            whole.insert(f.bytes);
        }
    }
    EXPECT_EQ(whole.size(), r.implant_frames);
    EXPECT_EQ(r.card_sent_implant, r.implant_frames);
    EXPECT_EQ(r.monitor_missing, 0u);
    // Outbound: the source is the card's station address (00:50:04:...).
    for (const auto& f : whole) EXPECT_EQ(std::to_integer<int>(f[6]), 0x00);
    fs::remove(out);
    fs::remove(guest);
}

TEST_P(IntruderSeeds, EveryHuntingAttemptIsRefusedOrContainedAndCounted) {
    const std::string out = temp("hunt-" + std::to_string(GetParam()) + ".pcap");
    const monitor::IntruderResult r = monitor::run_intruder(options_for(GetParam(), out));
    ASSERT_EQ(r.hunts.size(), 9u);
    int refused_by_pseudo_nic = 0;
    for (const auto& h : r.hunts) {
        const bool refused = h.outcome.rfind("refused by", 0) == 0;
        const bool trapped = h.outcome.rfind("trapped by the pseudo NIC", 0) == 0;
        EXPECT_TRUE(refused || trapped) << h.what << ": " << h.outcome;
        refused_by_pseudo_nic += h.outcome.rfind("refused by the pseudo NIC", 0) == 0;
    }
    EXPECT_EQ(refused_by_pseudo_nic, 5);
    EXPECT_EQ(r.security_events, 5u);  // one entry in the security log per refusal
    EXPECT_EQ(r.io_faults, 1u);        // COM1 is the preceding OS's
    EXPECT_TRUE(r.canary_intact);
    fs::remove(out);
}

TEST_P(IntruderSeeds, ThePrecedingOssMemoryIsWhatItWouldHaveBeenWithoutTheHunt) {
    // Deterministic runs differ only in the hunt: if any attempt had touched
    // the preceding OS, its memory would differ at the end.
    const std::string a = temp("with-" + std::to_string(GetParam()) + ".pcap");
    const std::string b = temp("without-" + std::to_string(GetParam()) + ".pcap");
    monitor::IntruderOptions with = options_for(GetParam(), a);
    monitor::IntruderOptions without = options_for(GetParam(), b);
    without.hunt = false;
    const monitor::IntruderResult hunted = monitor::run_intruder(with);
    const monitor::IntruderResult quiet = monitor::run_intruder(without);
    EXPECT_TRUE(quiet.hunts.empty());
    EXPECT_EQ(quiet.security_events, 0u);
    EXPECT_EQ(hunted.preceding_digest, quiet.preceding_digest);
    EXPECT_NE(hunted.preceding_digest, 0u);
    fs::remove(a);
    fs::remove(b);
}

INSTANTIATE_TEST_SUITE_P(Seeds, IntruderSeeds, ::testing::Values(1, 2, 3, 4, 5, 6));

TEST(Intruder, TheSeedDecidesAndTheSameSeedGivesTheSameRunByteForByte) {
    std::set<std::string> protocols;
    std::set<std::uint16_t> ports;
    for (std::uint64_t seed = 1; seed <= 12; ++seed) {
        const auto plan = os::ImplantPlan::from_seed(seed, Ticks{0}, PhysAddr{0});
        protocols.insert(os::to_string(plan.kind));
        ports.insert(plan.port);
    }
    EXPECT_EQ(protocols.size(), 3u);  // udp, icmp and tcp all occur
    EXPECT_GE(ports.size(), 6u);
    const std::string a = temp("det-a.pcap"), b = temp("det-b.pcap"), c = temp("det-c.pcap");
    auto traced = [](std::uint64_t seed, const std::string& out) {
        monitor::IntruderOptions o = options_for(seed, out);
        o.trace_mask = ~0u;  // every flag: boot, sched, irq, io, mem, nic, net
        return o;
    };
    const auto first = monitor::run_intruder(traced(9, a));
    const auto second = monitor::run_intruder(traced(9, b));
    const auto other = monitor::run_intruder(traced(10, c));
    EXPECT_EQ(first.trace_digest, second.trace_digest);
    EXPECT_NE(first.trace_digest, other.trace_digest);
    fs::remove(c);
    EXPECT_EQ(monitor::intruder_report(first), monitor::intruder_report(second));
    EXPECT_EQ(first.halt, second.halt);
    std::ifstream fa(a, std::ios::binary), fb(b, std::ios::binary);
    const std::string ca{std::istreambuf_iterator<char>(fa), {}};
    const std::string cb{std::istreambuf_iterator<char>(fb), {}};
    EXPECT_EQ(ca, cb);
    EXPECT_GT(ca.size(), 1000u);
    fs::remove(a);
    fs::remove(b);
}

TEST(Intruder, TheGuestCanTimeThePseudoNicButFindsNothingElse) {
    const std::string out = temp("timing.pcap");
    const auto r = monitor::run_intruder(options_for(3, out));
    // One trapped I/O costs what Table 1 charges (0.638 us) more than a direct one.
    EXPECT_EQ(r.io_time_monitored - r.io_time_original, costs::kTrappedIo);
    EXPECT_GT(r.io_time_monitored, Ticks{0});
    // Its receive interrupt handler: at least five trapped I/Os longer, and
    // on the original machine Table 1's (C) for one packet, entry + per packet.
    EXPECT_GE(r.packets_per_interrupt_original, 1.0);
    EXPECT_GE(r.handler_monitored - r.handler_original, costs::kTrappedIo * 5);
    EXPECT_GE(r.handler_original, costs::kDriverInterruptEntry + costs::kDriverPerPacket);
    fs::remove(out);
}

TEST(Intruder, TheCommandReportsAndRefusesWhatItCannotDo) {
    const std::string out = temp("cli.pcapng"), json = temp("cli.json");
    CommandRun r =
        run_twinos("run --scenario intruder --seed 4 -w " + out + " --stats-json " + json);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(has(r.output, "monitor records=")) << r.output;
    EXPECT_TRUE(has(r.output, "missing=0")) << r.output;
    EXPECT_TRUE(has(r.output, "canary=intact")) << r.output;
    std::ifstream j(json);
    const std::string text{std::istreambuf_iterator<char>(j), {}};
    EXPECT_TRUE(has(text, "\"monitor_missing\": 0")) << text;
    for (const auto& [args, message] : std::vector<std::pair<std::string, std::string>>{
             {"--scenario fig7", "--scenario: 'fig7' is not intruder"},
             {"--seed 3", "only with --scenario intruder"},
             {"--scenario intruder --original", "not with --original, -r or -i"},
             {"--scenario intruder -w " + temp("x.txt"), "write pcap or pcapng, not text"},
             {"--scenario intruder -w -", "write it to a file, not to standard output"}}) {
        CommandRun bad = run_twinos("run " + args);
        EXPECT_NE(bad.exit_code, 0) << args;
        EXPECT_TRUE(has(bad.output, message)) << args << ": " << bad.output;
    }
    fs::remove(out);
    fs::remove(json);
}

// ---- Lab 8: the rule file that watches an intruder ----------------------

// The graded configuration: a log area too small to keep everything whole.
monitor::IntruderOptions graded(std::uint64_t seed, const std::string& out) {
    monitor::IntruderOptions o = options_for(seed, out);
    o.monitor.rules =
        monitor::parse_rule_file(std::string(monitor::intruder_rules()), "lab8.rules");
    o.monitor.log_area_bytes = 64 * 1024;
    o.poll_interval = milliseconds(10);
    return o;
}

// Seeds the lab's text never names: each protocol occurs among them.
const std::uint64_t kGradedSeeds[] = {1103, 2207, 3301, 4409, 5503, 6607};

TEST(Lab8Rules, TheImplantsFramesAreLoggedWholeWhateverTheSeedPicks) {
    for (std::uint64_t seed : kGradedSeeds) {
        const std::string out = temp("lab8-whole.pcap");
        const auto r = monitor::run_intruder(graded(seed, out));
        int whole = 0;
        for (const Frame& f : read_with_libpcap(out))
            whole += to_the_peer(f.bytes) && f.bytes.size() == f.length;
        EXPECT_EQ(static_cast<std::uint64_t>(whole), r.implant_frames)
            << "seed " << seed << ": " << os::to_string(r.plan.kind) << " port " << r.plan.port;
        fs::remove(out);
    }
}

TEST(Lab8Rules, EverythingElseIsLoggedAsHeadersOnly) {
    for (std::uint64_t seed : kGradedSeeds) {
        const std::string out = temp("lab8-headers.pcap");
        monitor::run_intruder(graded(seed, out));
        int others = 0;
        for (const Frame& f : read_with_libpcap(out)) {
            if (to_the_peer(f.bytes)) continue;
            ++others;
            EXPECT_EQ(f.bytes.size(), std::min<std::size_t>(f.length, 54))
                << "seed " << seed << ": a frame of " << f.length << " bytes";
        }
        EXPECT_GE(others, 201) << "seed " << seed;  // the request and its 200 replies
        fs::remove(out);
    }
}

TEST(Lab8Rules, TheGradedLogAreaNeverOverflows) {
    for (std::uint64_t seed : kGradedSeeds) {
        const std::string out = temp("lab8-area.pcap");
        const auto r = monitor::run_intruder(graded(seed, out));
        EXPECT_EQ(r.totals.lost, 0u) << "seed " << seed << ": records overwritten";
        EXPECT_EQ(r.monitor_missing, 0u) << "seed " << seed;
        fs::remove(out);
    }
}

}  // namespace
}  // namespace twinos::test
