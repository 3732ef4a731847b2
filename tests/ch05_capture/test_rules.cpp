// SPDX-License-Identifier: MIT
// Chapter 5 tests: copy rules -- slices, order, the table's bytes.
#include <gtest/gtest.h>

#include "capture/copy_rule.h"

namespace twinos::test {
namespace {

using namespace capture;

TEST(CopyRules, TheDefaultIsEveryPacketFromOffsetZero1536Bytes) {
    const RuleTable t = default_rules();
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t[0].offset, 0u);
    EXPECT_EQ(t[0].size, 1536u);
    EXPECT_TRUE(t[0].filter.empty());  // every packet, without running a filter
    std::uint64_t executed = 0;
    EXPECT_TRUE(rule_accepts(t[0], {}, 60, executed));
    EXPECT_EQ(executed, 0u);
}

TEST(CopyRules, SlicesAreClampedToThePacket) {
    CopyRule r;
    r.offset = 14;
    r.size = 20;
    EXPECT_EQ(clamp_slice(r, 100).length, 20u);
    EXPECT_EQ(clamp_slice(r, 30).length, 16u);  // runs past the end: clamped
    EXPECT_EQ(clamp_slice(r, 14).length, 0u);   // starts at the end: nothing
    EXPECT_EQ(clamp_slice(r, 10).length, 0u);   // starts past the end: nothing
    EXPECT_EQ(clamp_slice(r, 10).offset, 14u);  // the record still says where it would start
    r.offset = 0;
    r.size = 1536;
    EXPECT_EQ(clamp_slice(r, 60).length, 60u);
}

TEST(CopyRules, ATableSurvivesItsBytesUnchanged) {
    RuleTable t = {CopyRule{3,
                            {bpf::stmt(bpf::kLd | bpf::kH | bpf::kAbs, 12),
                             bpf::jump(bpf::kJmp | bpf::kJeq | bpf::kK, 0x800, 0, 1),
                             bpf::stmt(bpf::kRet | bpf::kK, 1), bpf::stmt(bpf::kRet | bpf::kK, 0)},
                            14,
                            40},
                   CopyRule{9, bpf::accept_all(), 0, 54}};
    const auto bytes = serialize_rules(t);
    const auto back = parse_rules(bytes);
    ASSERT_TRUE(back.has_value());
    ASSERT_EQ(back->size(), 2u);
    EXPECT_EQ((*back)[0].id, 3);
    EXPECT_EQ((*back)[0].filter, t[0].filter);
    EXPECT_EQ((*back)[1].size, 54u);
    auto cut = bytes;
    cut.pop_back();
    EXPECT_FALSE(parse_rules(cut).has_value());
    auto extra = bytes;
    extra.push_back(std::byte{0});
    EXPECT_FALSE(parse_rules(extra).has_value());
}

TEST(CopyRules, ABadFilterIsNamedByRuleAndInstruction) {
    RuleTable t = {CopyRule{}, CopyRule{7,
                                        {bpf::stmt(bpf::kAlu | bpf::kDiv | bpf::kK, 0),
                                         bpf::stmt(bpf::kRet | bpf::kK, 1)},
                                        0,
                                        64}};
    auto e = validate_rules(t);
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->message(t), "rule 2 (id 7), instruction 0: division by constant 0");
}

}  // namespace
}  // namespace twinos::test
