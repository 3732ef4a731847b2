// SPDX-License-Identifier: MIT
// Chapter 6 tests: rule files -- the format, and every error with its location.
#include <gtest/gtest.h>

#include "monitor/rule_file.h"

namespace twinos::test {
namespace {

using monitor::parse_rule_file;

std::string error_of(const std::string& text) {
    try {
        parse_rule_file(text, "rules.txt");
    } catch (const monitor::RuleFileError& e) {
        return e.what();
    }
    return "";
}

TEST(RuleFile, RulesAreReadInOrderWithTheirSlicesAndADefaultLast) {
    const auto set = parse_rule_file(
        "# what to log\n"
        "twinos-rules 1\n"
        "\n"
        "rule web  filter \"tcp port 80\"  slice 0 96   # HTTP headers\n"
        "rule dns  filter \"udp port 53\"  slice 512\n"
        "default slice 14 40\n",
        "rules.txt");
    ASSERT_EQ(set.table.size(), 3u);
    EXPECT_EQ(set.names, (std::vector<std::string>{"web", "dns", "default"}));
    EXPECT_EQ(set.table[0].id, 1);
    EXPECT_EQ(set.table[0].size, 96u);
    EXPECT_FALSE(set.table[0].filter.empty());
    EXPECT_EQ(set.table[1].offset, 0u);
    EXPECT_EQ(set.table[1].size, 512u);
    EXPECT_EQ(set.table[2].id, 3);
    EXPECT_TRUE(set.table[2].filter.empty());
    EXPECT_EQ(set.table[2].offset, 14u);
    EXPECT_FALSE(capture::validate_rules(set.table).has_value());
}

TEST(RuleFile, EachKindOfMistakeIsReportedWhereItIs) {
    EXPECT_EQ(error_of(""), "rules.txt:1:1: empty rule file: expected 'twinos-rules 1'");
    EXPECT_EQ(error_of("rule a filter \"\" slice 9\n"),
              "rules.txt:1:1: the first line must be 'twinos-rules 1'");
    EXPECT_EQ(error_of("twinos-rules 2\n"),
              "rules.txt:1:14: unsupported rule file version '2' (this is version 1)");
    EXPECT_EQ(error_of("twinos-rules 1\n"), "rules.txt:2:1: no rules: nothing would be logged");
    EXPECT_EQ(error_of("twinos-rules 1\nlog all\n"),
              "rules.txt:2:1: unknown statement 'log' (expected 'rule' or 'default')");
    EXPECT_EQ(
        error_of(
            "twinos-rules 1\nrule a filter \"tcp port 80\" slice 9\nrule a filter \"\" slice 9\n"),
        "rules.txt:3:6: rule 'a' is defined twice");
    EXPECT_EQ(error_of("twinos-rules 1\nrule a filter \"tcp port 80 slice 9\n"),
              "rules.txt:2:15: unterminated string");
    EXPECT_EQ(error_of("twinos-rules 1\nrule a filter tcp slice 9\n"),
              "rules.txt:2:15: the filter expression must be in double quotes");
    EXPECT_EQ(error_of("twinos-rules 1\nrule a filter \"tcp prot 80\" slice 9\n")
                  .rfind("rules.txt:2:15: filter \"tcp prot 80\": ", 0),
              0u);
    EXPECT_EQ(error_of("twinos-rules 1\nrule a filter \"\" slice x\n"),
              "rules.txt:2:24: slice size or offset must be a number from 0 to 65535, found 'x'");
    EXPECT_EQ(error_of("twinos-rules 1\nrule a filter \"\" slice 0 0\n"),
              "rules.txt:2:24: an empty slice logs nothing; give a size above 0");
    EXPECT_EQ(error_of("twinos-rules 1\nrule a filter \"\"\n"), "rules.txt:2:17: expected 'slice'");
    EXPECT_EQ(error_of("twinos-rules 1\nrule a filter \"\" slice 1 2 3\n"),
              "rules.txt:2:28: unexpected '3'");
    EXPECT_EQ(error_of("twinos-rules 1\ndefault slice 9\nrule b filter \"\" slice 9\n"),
              "rules.txt:3:1: nothing may follow the 'default' rule");
}

// Compilation is bounded before libpcap runs (a chain of thousands of terms
// once ran for minutes), and what the kernel's rules refuse is refused at
// compile time with the kernel's reason, not a generic "malformed".
TEST(RuleFile, FiltersAreBoundedAndCheckedWithTheKernelsRulesWhenCompiled) {
    auto chain = [](int terms, const char* join) {
        std::string e;
        for (int i = 0; i < terms; ++i)
            e += (i ? join : "") + std::string("udp port ") + std::to_string(1000 + i);
        return e;
    };
    EXPECT_FALSE(monitor::compile_expression(chain(60, " or ")).empty());
    for (const char* join : {" or ", " || ", " and "}) {
        SCOPED_TRACE(join);
        try {
            monitor::compile_expression(chain(6800, join));
            ADD_FAILURE() << "a 6800-term chain was compiled";
        } catch (const std::invalid_argument& e) {
            EXPECT_NE(std::string(e.what()).find("combines 6800 terms; at most 256"),
                      std::string::npos)
                << e.what();
        }
    }
    try {
        monitor::compile_expression("ip protochain 6");
        ADD_FAILURE() << "protochain's loop was accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("backward jump"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("protochain"), std::string::npos) << e.what();
    }
}

TEST(RuleFile, AnUnreadableFileIsAnError) {
    try {
        monitor::read_rule_file("/nonexistent/rules.txt");
        FAIL();
    } catch (const monitor::RuleFileError& e) {
        EXPECT_EQ(std::string(e.what()), "/nonexistent/rules.txt:0:0: cannot read the rule file");
    }
}

TEST(RuleFile, TheCommandLineMakesOneRule) {
    const auto set = monitor::command_line_rules("udp", 0, 54);
    ASSERT_EQ(set.table.size(), 1u);
    EXPECT_EQ(set.table[0].size, 54u);
    EXPECT_FALSE(set.table[0].filter.empty());
    EXPECT_TRUE(monitor::command_line_rules("", 0, 1536).table[0].filter.empty());
    EXPECT_THROW(monitor::command_line_rules("udp prot 5", 0, 54), monitor::RuleFileError);
}

}  // namespace
}  // namespace twinos::test
