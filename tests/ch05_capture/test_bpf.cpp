// SPDX-License-Identifier: MIT
// Chapter 5 tests (interpreter graded by lab 5): the BPF validator and
// interpreter, and the differential test against libpcap's bpf_filter.
#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../common/compile_filter.h"
#include "../common/libpcap_oracle.h"
#include "capture/bpf.h"

namespace twinos::test {
namespace {

using namespace capture::bpf;
namespace fs = std::filesystem;
const fs::path kData = fs::path(TWINOS_TEST_DATA);

std::string refusal(const Program& p) {
    auto e = validate(p);
    return e ? std::to_string(e->index) + ": " + e->reason : "";
}

TEST(BpfValidator, AcceptsAWellFormedProgram) {
    // ldh [12]; jeq #0x806, 0, 1; ret #-1; ret #0 (the ARP example)
    const Program arp = {stmt(kLd | kH | kAbs, 12), jump(kJmp | kJeq | kK, 0x806, 0, 1),
                         stmt(kRet | kK, 0xffffffff), stmt(kRet | kK, 0)};
    EXPECT_EQ(refusal(arp), "");
    EXPECT_EQ(refusal(accept_all()), "");
}

// Linux does not clear M[] per packet, so it refuses a program that could read
// a scratch word before any path wrote it; ours does the same, path by path.
TEST(BpfValidator, RefusesScratchMemoryReadBeforeItIsWrittenOnEveryPath) {
    const Insn ret = stmt(kRet | kK, 1);
    EXPECT_EQ(refusal({stmt(kLd | kMem, 3), ret}),
              "0: scratch memory M[3] may be read before it is written");
    EXPECT_EQ(refusal({stmt(kLdx | kMem, 0), ret}),
              "0: scratch memory M[0] may be read before it is written");
    EXPECT_EQ(refusal({stmt(kLd | kImm, 7), stmt(kSt, 3), stmt(kLd | kMem, 3), ret}), "");
    // Written on one branch only: the read after the join is refused.
    const Program one_branch = {stmt(kLd | kLen, 0), jump(kJmp | kJgt | kK, 60, 0, 1), stmt(kSt, 2),
                                stmt(kLd | kMem, 2), ret};
    EXPECT_EQ(refusal(one_branch), "3: scratch memory M[2] may be read before it is written");
    // Written on both branches: accepted.
    const Program both = {stmt(kLd | kLen, 0),
                          jump(kJmp | kJgt | kK, 60, 0, 2),
                          stmt(kSt, 2),
                          stmt(kJmp | kJa, 1),
                          stmt(kSt, 2),
                          stmt(kLd | kMem, 2),
                          ret};
    EXPECT_EQ(refusal(both), "");
    // A word written only after a return does not count before it.
    EXPECT_EQ(refusal({stmt(kLd | kLen, 0), jump(kJmp | kJeq | kK, 0, 1, 0), ret,
                       stmt(kLd | kMem, 1), ret}),
              "3: scratch memory M[1] may be read before it is written");
}

TEST(BpfValidator, RefusesEachBadProgramClassWithItsIndex) {
    const Insn ret = stmt(kRet | kK, 1);
    EXPECT_EQ(refusal({}), "0: empty program");
    EXPECT_EQ(refusal(Program(4097, ret)), "4097: more than 4096 instructions");
    EXPECT_EQ(refusal({stmt(0xffff, 0), ret}), "0: unknown opcode 65535");
    EXPECT_EQ(refusal({stmt(kAlu | kNeg | kX, 0), ret}), "0: unknown opcode 140");
    EXPECT_EQ(refusal({stmt(kLd | kImm, 1), stmt(kRet | kX, 0)}),
              "1: return of X: neither Linux nor libpcap runs it");
    EXPECT_EQ(refusal({stmt(kLd | kImm, 1), stmt(kAlu | kDiv | kK, 0), ret}),
              "1: division by constant 0");
    EXPECT_EQ(refusal({stmt(kAlu | kMod | kK, 0), ret}), "0: division by constant 0");
    EXPECT_EQ(refusal({stmt(kAlu | kLsh | kK, 32), ret}), "0: shift by 32 or more");
    EXPECT_EQ(refusal({stmt(kSt, 16), ret}), "0: scratch memory index 16 is not below 16");
    EXPECT_EQ(refusal({stmt(kLdx | kMem, 99), ret}), "0: scratch memory index 99 is not below 16");
    EXPECT_EQ(refusal({stmt(kJmp | kJa, 1), ret}), "0: jump out of the program");
    EXPECT_EQ(refusal({stmt(kLd | kImm, 1), stmt(kJmp | kJa, 0xfffffffeu), ret}),
              "1: backward jump (a loop, as libpcap emits for protochain): the kernel's rules "
              "allow forward jumps only");
    EXPECT_EQ(refusal({jump(kJmp | kJeq | kK, 0, 0, 1), ret}),
              "0: conditional jump out of the program");
    EXPECT_EQ(refusal({stmt(kLd | kImm, 1)}), "0: last instruction is not a return");
    EXPECT_EQ(refusal({stmt(kLd | kW | kAbs, 0xfffff000u), ret}),
              "0: ancillary (Linux extension) loads are not supported");
}

TEST(BpfInterpreter, LoadsCompareAndReturn) {
    std::vector<std::byte> pkt(64, std::byte{0});
    pkt[12] = std::byte{0x08};
    pkt[13] = std::byte{0x06};
    const Program arp = {stmt(kLd | kH | kAbs, 12), jump(kJmp | kJeq | kK, 0x806, 0, 1),
                         stmt(kRet | kK, 96), stmt(kRet | kK, 0)};
    EXPECT_EQ(run(arp, pkt, 64).accept, 96u);
    EXPECT_EQ(run(arp, pkt, 64).executed, 3u);
    pkt[13] = std::byte{0x00};
    EXPECT_EQ(run(arp, pkt, 64).accept, 0u);
}

TEST(BpfInterpreter, OutOfBoundsLoadsRejectThePacket) {
    std::vector<std::byte> pkt(20, std::byte{0xff});
    EXPECT_EQ(run(Program{stmt(kLd | kW | kAbs, 16), stmt(kRet | kK, 1)}, pkt, 1500).accept, 1u);
    EXPECT_EQ(run(Program{stmt(kLd | kW | kAbs, 18), stmt(kRet | kK, 1)}, pkt, 1500).accept, 0u);
    EXPECT_EQ(run(Program{stmt(kLd | kB | kAbs, 20), stmt(kRet | kK, 1)}, pkt, 1500).accept, 0u);
    EXPECT_EQ(
        run(Program{stmt(kLdx | kImm, 0xffffffff), stmt(kLd | kB | kInd, 2), stmt(kRet | kK, 1)},
            pkt, 1500)
            .accept,
        0u);  // X + k overflows: outside, not wrapped
}

TEST(BpfInterpreter, ArithmeticFollowsLibpcap) {
    const std::vector<std::byte> pkt(4);
    auto a_after = [&](Program p) {
        p.push_back(stmt(kRet | kRetA, 0));
        return run(p, pkt, 1500).accept;
    };
    EXPECT_EQ(a_after({stmt(kLd | kLen, 0)}), 1500u);  // the wire length, not the buffer's
    EXPECT_EQ(a_after({stmt(kLd | kImm, 7), stmt(kAlu | kMul | kK, 6)}), 42u);
    EXPECT_EQ(a_after({stmt(kLd | kImm, 1), stmt(kLdx | kImm, 40), stmt(kAlu | kLsh | kX, 0)}), 0u);
    EXPECT_EQ(a_after({stmt(kLd | kImm, 5), stmt(kAlu | kNeg, 0)}), 0xfffffffbu);
    EXPECT_EQ(a_after({stmt(kLd | kImm, 9), stmt(kSt, 3), stmt(kLd | kImm, 0), stmt(kLdx | kMem, 3),
                       stmt(kMisc | kTxa, 0)}),
              9u);
    // Division by X = 0 at run time rejects the packet.
    EXPECT_EQ(
        run(Program{stmt(kLd | kImm, 9), stmt(kAlu | kDiv | kX, 0), stmt(kRet | kK, 1)}, pkt, 1)
            .accept,
        0u);
}

// The rules the lab 5 README states beyond the first arithmetic test: each
// division or modulo by a zero X rejects, each shift by 32 or more gives 0
// (not the shift count modulo 32, which is what a bare C++ shift does on
// x86), and the RET counts as an executed instruction.
TEST(BpfInterpreter, ZeroDivisorsRejectWideShiftsGiveZeroAndTheReturnCounts) {
    const std::vector<std::byte> pkt(4);
    for (std::uint16_t op : {kDiv, kMod}) {
        SCOPED_TRACE(op == kDiv ? "DIV X" : "MOD X");
        const RunResult r = run(Program{stmt(kLd | kImm, 9), stmt(kLdx | kImm, 0),
                                        stmt(kAlu | op | kX, 0), stmt(kRet | kK, 1)},
                                pkt, 1);
        EXPECT_EQ(r.accept, 0u) << "a zero divisor must reject the packet";
        EXPECT_EQ(r.executed, 3u) << "the program stops at the division";
    }
    EXPECT_EQ(run(Program{stmt(kLd | kImm, 9), stmt(kLdx | kImm, 4), stmt(kAlu | kMod | kX, 0),
                          stmt(kRet | kRetA, 0)},
                  pkt, 1)
                  .accept,
              1u);
    for (std::uint32_t shift : {32u, 33u, 63u, 0xffffffffu}) {
        SCOPED_TRACE("shift by X = " + std::to_string(shift));
        for (std::uint16_t op : {kLsh, kRsh}) {
            const RunResult r = run(Program{stmt(kLd | kImm, 0x80000001u), stmt(kLdx | kImm, shift),
                                            stmt(kAlu | op | kX, 0), stmt(kRet | kRetA, 0)},
                                    pkt, 1);
            EXPECT_EQ(r.accept, 0u) << (op == kLsh ? "LSH" : "RSH") << " must give 0";
            EXPECT_EQ(r.executed, 4u) << "every instruction, the RET included";
        }
    }
    EXPECT_EQ(run(Program{stmt(kLd | kImm, 0x80000000u), stmt(kAlu | kRsh | kK, 31),
                          stmt(kRet | kRetA, 0)},
                  pkt, 1)
                  .accept,
              1u);
}

// True when libpcap's table says to skip this block on Linux (it needs
// host names resolved, or a feature Linux builds lack): never resolve names
// in a test, there is no network.
bool skipped_here(const nlohmann::json& block) {
    for (const char* key : {"skip_linux_le", "skip_expr"}) {
        if (block.contains(key) && !block[key].is_null() && block[key] != "" && block[key] != 0) {
            if (std::string(key) == "skip_linux_le") return true;
        }
    }
    return false;
}

// The two kinds of libpcap output the kernel's rules refuse.
bool expected_refusal(const std::string& expr, const Program& p) {
    const std::string why = refusal(p);
    return expr.find("protochain") != std::string::npos ||
           why.find("ancillary") != std::string::npos;
}

// Run our interpreter and libpcap's on every packet of `file`; count disagreements.
std::size_t differ(const Program& ours, const bpf_program& theirs, const OracleFile& file,
                   std::size_t& packets) {
    std::size_t mismatches = 0;
    for (const OracleRecord& r : file.records) {
        ++packets;
        const auto caplen = static_cast<std::uint32_t>(r.bytes.size());
        const std::uint32_t mine = run(ours, r.bytes, r.original_length).accept;
        const auto* data = reinterpret_cast<const u_char*>(r.bytes.data());
        const std::uint32_t libpcap = bpf_filter(theirs.bf_insns, data, r.original_length, caplen);
        if (mine != libpcap) ++mismatches;
    }
    return mismatches;
}

TEST(BpfDifferential, EveryApplyExpressionAgreesWithLibpcapOnItsCaptureFile) {
    std::ifstream in(kData / "bpf/filter_apply.jsonl");
    ASSERT_TRUE(in) << "missing test data";
    std::string line;
    std::size_t compiled = 0, packets = 0, refused = 0;
    while (std::getline(in, line)) {
        const auto block = nlohmann::json::parse(line);
        if (skipped_here(block)) continue;
        const OracleFile file =
            read_with_libpcap(kData / "bpf/savefiles" / block["savefile"].get<std::string>());
        if (file.linktype < 0) continue;  // libpcap cannot open it
        bpf_program raw{};
        const Program ours =
            compile_filter(block["expr"].get<std::string>(), file.linktype, file.snaplen, &raw);
        if (ours.empty()) continue;  // newer than the installed libpcap
        ++compiled;
        const std::string expr = block["expr"].get<std::string>();
        SCOPED_TRACE(block["name"].get<std::string>() + ": " + expr);
        if (validate(ours)) {
            // libpcap's protochain loops with a backward jump and its
            // direction keywords use Linux's ancillary loads; the kernel's
            // rules -- ours -- refuse both. Nothing else may be refused.
            EXPECT_TRUE(expected_refusal(expr, ours)) << refusal(ours);
            ++refused;
        } else {
            EXPECT_EQ(differ(ours, raw, file, packets), 0u);
        }
        pcap_freecode(&raw);
    }
    EXPECT_GE(compiled, 130u);
    EXPECT_LT(refused, 20u);
    EXPECT_GE(packets, 500u);
}

TEST(BpfDifferential, EthernetAcceptExpressionsAgreeWithLibpcapOnRealTraffic) {
    std::ifstream in(kData / "bpf/filter_accept.jsonl");
    ASSERT_TRUE(in);
    // Read once, tried against every expression.
    std::vector<OracleFile> corpus;
    for (const char* name : {"ipv6-routing-header.pcap", "dhcp-rfc4388.pcap", "802.1ad_QinQ.pcap",
                             "vxlan.pcap", "ssh.pcap"}) {
        corpus.push_back(read_with_libpcap(kData / "pcaps/ethernet" / name));
        ASSERT_EQ(corpus.back().error, "") << name;
    }
    std::string line;
    std::size_t compiled = 0, packets = 0;
    while (std::getline(in, line)) {
        const auto block = nlohmann::json::parse(line);
        if (block["DLT"] != "EN10MB" || block.contains("linuxext") || skipped_here(block)) continue;
        for (const auto& alias : block["aliases"]) {
            bpf_program raw{};
            const std::string expr = alias.get<std::string>();
            const Program ours = compile_filter(expr, DLT_EN10MB, 262144, &raw);
            if (ours.empty()) continue;
            ++compiled;
            SCOPED_TRACE(expr);
            if (validate(ours)) {
                EXPECT_TRUE(expected_refusal(expr, ours)) << refusal(ours);
            } else {
                for (const OracleFile& file : corpus) {
                    EXPECT_EQ(differ(ours, raw, file, packets), 0u);
                }
            }
            pcap_freecode(&raw);
        }
    }
    EXPECT_GE(compiled, 300u);
}

}  // namespace
}  // namespace twinos::test
