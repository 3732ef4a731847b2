// SPDX-License-Identifier: MIT
// Chapter 5 tests: the acquisition part on the machine -- when, where,
// positions and what; loss accounting; rule swaps; transmit capture.
#include <gtest/gtest.h>

#include "../common/compile_filter.h"
#include "../common/libpcap_oracle.h"
#include "ring_fixture.h"
#include "twinos/edge/pcap_replay.h"

namespace twinos::test {
namespace {

using namespace capture;

struct Logged {
    RecordHeader header;
    std::vector<std::byte> slice;
};

std::vector<Logged> read_all(CaptureBench& b) {
    std::vector<Logged> out;
    LogReader r = b.reader();
    r.drain([&](const RecordHeader& h, std::span<const std::byte> s) {
        out.push_back({h, {s.begin(), s.end()}});
    });
    return out;
}

TEST(Acquisition, InitCopiesTheApsMappingsAndStopRestoresTheSpaceExactly) {
    CaptureBench b(64 * 1024, false);
    AddressSpace& rx = b.acquisition().rx_space();
    const auto before = rx.entries();
    ASSERT_EQ(b.syscall(Acquisition::kSysInit,
                        {CaptureBench::kControlVa, CaptureBench::kAreaVa, 64 * 1024}),
              0);
    // The log area is reachable from receive processing, at the same frames as the AP's.
    for (std::uint64_t va = CaptureBench::kControlVa; va < CaptureBench::kAreaVa + 64 * 1024;
         va += kPageSize) {
        ASSERT_EQ(rx.entry(VirtAddr{va}), b.ap->space.entry(VirtAddr{va})) << std::hex << va;
    }
    EXPECT_NE(rx.entries(), before);
    EXPECT_EQ(b.syscall(Acquisition::kSysStop, {}), 0);
    EXPECT_EQ(rx.entries(), before);
    EXPECT_EQ(b.syscall(Acquisition::kSysStop, {}), -Acquisition::kEINVAL);
}

TEST(Acquisition, InitRefusesBadRangesAndASecondStart) {
    CaptureBench b(64 * 1024, false);
    EXPECT_EQ(b.syscall(Acquisition::kSysInit,
                        {CaptureBench::kControlVa + 8, CaptureBench::kAreaVa, 65536}),
              -Acquisition::kEINVAL);
    EXPECT_EQ(b.syscall(Acquisition::kSysInit, {CaptureBench::kControlVa, 0x70000000, 65536}),
              -Acquisition::kEFAULT);  // not mapped in the AP
    EXPECT_FALSE(b.acquisition().active());
    ASSERT_EQ(
        b.syscall(Acquisition::kSysInit, {CaptureBench::kControlVa, CaptureBench::kAreaVa, 65536}),
        0);
    EXPECT_EQ(
        b.syscall(Acquisition::kSysInit, {CaptureBench::kControlVa, CaptureBench::kAreaVa, 65536}),
        -Acquisition::kEBUSY);
}

TEST(Acquisition, EveryReceivedFrameIsLoggedAsDelivered) {
    CaptureBench b;
    for (int i = 0; i < 100; ++i) {
        b.send_in(microseconds(30) * (i + 1),
                  test_frame(60 + i * 13, static_cast<std::uint8_t>(i), b.mac()));
    }
    b.run_for(milliseconds(5));
    ASSERT_EQ(b.delivered.size(), 100u);
    const auto logged = read_all(b);
    ASSERT_EQ(logged.size(), 100u);
    for (std::size_t i = 0; i < logged.size(); ++i) {
        EXPECT_EQ(logged[i].slice, b.delivered[i]) << i;
        EXPECT_EQ(logged[i].header.sequence, i);
        EXPECT_EQ(logged[i].header.direction, Direction::Rx);
        EXPECT_EQ(logged[i].header.original_length, b.delivered[i].size());
        if (i > 0) {
            EXPECT_GT(logged[i].header.timestamp_ns, logged[i - 1].header.timestamp_ns);
        }
    }
}

TEST(Acquisition, ReplayedFramesKeepTheCapturesOwnTimestampsEvenBackwards) {
    CaptureBench b(1ull << 20, true, true);
    auto source =
        edge::PcapReplay::open(std::string(TWINOS_TEST_DATA) + "/pcaps/ethernet/mptcp-v0.pcap");
    b.machine().link().play(*source, b.machine().clock().now());
    while (b.machine().link().playing())
        b.system.twin().run_until(b.machine().link().next_arrival());
    b.run_for(milliseconds(1));
    // The oracle: libpcap's own timestamps, in nanoseconds.
    const OracleFile file =
        read_with_libpcap(std::string(TWINOS_TEST_DATA) + "/pcaps/ethernet/mptcp-v0.pcap");
    ASSERT_EQ(file.error, "");
    std::vector<std::uint64_t> want;
    for (const OracleRecord& r : file.records)
        want.push_back(static_cast<std::uint64_t>(r.time_ns));
    const auto logged = read_all(b);
    ASSERT_EQ(logged.size(), want.size());
    std::size_t backwards = 0;
    for (std::size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(logged[i].header.timestamp_ns, want[i]) << i;
        if (i > 0 && want[i] < want[i - 1]) ++backwards;
    }
    EXPECT_GT(backwards, 0u) << "the file should have a timestamp that goes back";
}

TEST(Acquisition, TheFrameIsLoggedBeforeTheDriverSeesIt) {
    CaptureBench b;
    LogReader r = b.reader();
    std::vector<std::uint64_t> records_when_delivered;
    b.system.twin().kernel(OsId::Coexisting).net().add_tap([&](std::span<const std::byte>) {
        records_when_delivered.push_back(r.field(control::kRecordsWritten));
    });
    for (int i = 0; i < 5; ++i) b.send_in(microseconds(50) * (i + 1), test_frame(300, 1, b.mac()));
    b.run_for(milliseconds(1));
    ASSERT_EQ(records_when_delivered.size(), 5u);
    for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(records_when_delivered[i], i + 1) << i;
}

TEST(Acquisition, FiltersAndSlicesChooseWhatIsLogged) {
    CaptureBench b;
    // Only IPv4 UDP, 20 bytes from offset 14 (the IP header); the rest not at all.
    EXPECT_EQ(b.set_rules({CopyRule{5, compile_filter("ip and udp"), 14, 20}}), "");
    std::vector<std::byte> udp;
    net::build_udp_frame(udp, {{2, 0, 0, 0, 0, 1}, 0x0a000001, 7}, {b.mac(), 0x0a000002, 9},
                         std::vector<std::byte>(30), 1);
    b.send_in(microseconds(10), udp);
    b.send_in(microseconds(60), test_frame(200, 3, b.mac()));  // not IP
    b.run_for(milliseconds(1));
    EXPECT_EQ(b.delivered.size(), 2u);
    const auto logged = read_all(b);
    ASSERT_EQ(logged.size(), 1u);
    EXPECT_EQ(logged[0].header.rule_id, 5);
    EXPECT_EQ(logged[0].header.slice_offset, 14u);
    EXPECT_EQ(logged[0].header.captured_length, 20u);
    EXPECT_EQ(logged[0].header.original_length, udp.size());
    EXPECT_TRUE(std::equal(logged[0].slice.begin(), logged[0].slice.end(), udp.begin() + 14));
    EXPECT_EQ(b.acquisition().stats().matched, 1u);
    EXPECT_EQ(b.acquisition().stats().seen_rx, 2u);
}

// A rule may ask for bytes a packet does not have: from an offset at its
// end or past it the slice is empty (the record says where it would start),
// never a read outside the packet.
TEST(Acquisition, ARuleOffsetAtOrPastThePacketsEndLogsAnEmptySlice) {
    for (std::uint32_t offset : {60u, 61u, 2000u, 0xffffffffu}) {
        SCOPED_TRACE("offset " + std::to_string(offset));
        CaptureBench b;
        ASSERT_EQ(b.set_rules({CopyRule{1, {}, offset, 10}}), "");
        b.send_in(microseconds(10), test_frame(60, 1, b.mac()));
        b.run_for(milliseconds(1));
        const auto logged = read_all(b);
        ASSERT_EQ(logged.size(), 1u);
        EXPECT_EQ(logged[0].header.captured_length, 0u);
        EXPECT_EQ(logged[0].header.slice_offset, offset);
        EXPECT_EQ(logged[0].header.original_length, 60u);
    }
}

// A program longer than the kernel's 4096 instructions reaches the validator
// and is refused with its reason, not as a "malformed rule table".
TEST(Acquisition, AnOverlongProgramIsRefusedByTheValidatorsOwnMessage) {
    CaptureBench b;
    bpf::Program longer(5000, bpf::stmt(bpf::kLd | bpf::kImm, 1));
    longer.push_back(bpf::stmt(bpf::kRet | bpf::kK, 1));
    const std::string refused = b.set_rules({CopyRule{1, longer, 0, 64}});
    EXPECT_NE(refused.find("more than 4096 instructions"), std::string::npos) << refused;
    EXPECT_EQ(refused.find("malformed"), std::string::npos) << refused;
}

TEST(Acquisition, ABadTableIsRefusedWithItsReasonAndTheOldOneStays) {
    CaptureBench b;
    ASSERT_EQ(b.set_rules({CopyRule{1, compile_filter("udp"), 0, 64}}), "");
    RuleTable bad = {
        CopyRule{2, bpf::accept_all(), 0, 64},
        CopyRule{3,
                 {bpf::stmt(bpf::kLd | bpf::kImm, 1), bpf::stmt(bpf::kJmp | bpf::kJa, 5),
                  bpf::stmt(bpf::kRet | bpf::kK, 1)},
                 0,
                 64}};
    EXPECT_EQ(b.set_rules(bad), "rule 2 (id 3), instruction 1: jump out of the program");
    ASSERT_EQ(b.acquisition().rules().size(), 1u);
    EXPECT_EQ(b.acquisition().rules()[0].id, 1);
}

TEST(Acquisition, RuleSwapsAreWholeNoPacketIsJudgedByHalfATable) {
    CaptureBench b;
    // Table A: ids 1 (small frames) and 2 (everything). Table B: ids 3 and 4.
    const RuleTable a = {CopyRule{1, compile_filter("len < 200"), 0, 32},
                         CopyRule{2, bpf::accept_all(), 0, 32}};
    const RuleTable bt = {CopyRule{3, compile_filter("len < 200"), 0, 32},
                          CopyRule{4, bpf::accept_all(), 0, 32}};
    ASSERT_EQ(b.set_rules(a), "");
    for (int i = 0; i < 400; ++i) {
        b.send_in(microseconds(25) * (i + 1),
                  test_frame(i % 2 ? 100 : 400, static_cast<std::uint8_t>(i), b.mac()));
    }
    b.run_for(microseconds(5000));
    const auto swap_at =
        static_cast<std::uint64_t>(b.machine().link().wall_time(b.machine().clock().now()));
    ASSERT_EQ(b.set_rules(bt), "");
    b.run_for(milliseconds(10));
    const auto logged = read_all(b);
    ASSERT_EQ(logged.size(), 400u);
    std::size_t from_a = 0;
    for (const Logged& l : logged) {
        const bool small = l.header.original_length < 200;
        if (l.header.timestamp_ns <= swap_at) {
            ++from_a;
            EXPECT_EQ(l.header.rule_id, small ? 1 : 2);
        } else {
            EXPECT_EQ(l.header.rule_id, small ? 3 : 4);
        }
    }
    EXPECT_GT(from_a, 100u);
    EXPECT_LT(from_a, 300u);
    EXPECT_EQ(b.acquisition().stats().rule_swaps, 2u);
}

TEST(Acquisition, CapturedPlusOverwrittenEqualsMatched) {
    CaptureBench b(8 * 1024);  // a tiny log area, read only at the end
    for (int i = 0; i < 300; ++i)
        b.send_in(microseconds(30) * (i + 1),
                  test_frame(700, static_cast<std::uint8_t>(i), b.mac()));
    b.run_for(milliseconds(15));
    LogReader r = b.reader();
    std::vector<std::uint64_t> seqs;
    r.drain([&](const RecordHeader& h, std::span<const std::byte>) { seqs.push_back(h.sequence); });
    const std::uint64_t matched = r.field(control::kPacketsMatched);
    EXPECT_EQ(matched, 300u);
    EXPECT_GT(r.lost(), 0u);
    EXPECT_EQ(r.read() + r.lost(), matched);
    EXPECT_EQ(r.lost(), r.field(control::kRecordsOverwritten));
    // What survived is the newest, in order.
    ASSERT_FALSE(seqs.empty());
    EXPECT_EQ(seqs.back(), 299u);
    for (std::size_t i = 1; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], seqs[i - 1] + 1);
}

TEST(Acquisition, TransmittedFramesAreLoggedWithDirectionTx) {
    CaptureBench b;
    os::Driver3c905x& driver = *b.system.twin().nic_driver(OsId::Coexisting);
    std::vector<std::vector<std::byte>> frames;
    for (int i = 0; i < 20; ++i) {
        frames.push_back(test_frame(90 + i, static_cast<std::uint8_t>(i)));
        if (i == 10) b.run_for(milliseconds(2));  // some while the card is idle, some while busy
        driver.transmit(frames.back());
    }
    b.run_for(milliseconds(5));
    const auto logged = read_all(b);
    ASSERT_EQ(b.sent.kept().size(), 20u);
    ASSERT_EQ(logged.size(), 20u);
    for (std::size_t i = 0; i < logged.size(); ++i) {
        EXPECT_EQ(logged[i].header.direction, Direction::Tx);
        EXPECT_EQ(logged[i].slice, frames[i]) << i;
    }
}

}  // namespace
}  // namespace twinos::test
