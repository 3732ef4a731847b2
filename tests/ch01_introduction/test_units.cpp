// SPDX-License-Identifier: MIT
// Chapter 1 tests: the command line's sizes, durations and partitions.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "twinos/cli/units.h"

namespace twinos::test {
namespace {

using namespace twinos::machine;
using twinos::cli::parse_duration;
using twinos::cli::parse_partition;
using twinos::cli::parse_size;

// The message of the invalid_argument that `f` throws, or "" if none.
template <typename F>
std::string error_of(F f) {
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

TEST(Units, SizesAcceptBinaryUnitsAndHex) {
    EXPECT_EQ(parse_size("4096"), 4096u);
    EXPECT_EQ(parse_size("0x1000"), 4096u);
    EXPECT_EQ(parse_size("64K"), 64u << 10);
    EXPECT_EQ(parse_size("256M"), 256ull << 20);
    EXPECT_EQ(parse_size("256MiB"), 256ull << 20);
    EXPECT_EQ(parse_size("1G"), 1ull << 30);
}

TEST(Units, SizeErrorsNameTheColumn) {
    EXPECT_EQ(error_of([] { parse_size("12X"); }),
              "'12X' at column 3: unknown size unit 'X' (use K, M or G)");
    EXPECT_EQ(error_of([] { parse_size("M"); }), "'M' at column 1: expected a number");
    EXPECT_NE(error_of([] { parse_size("99999999999999999999"); }).find("too large"),
              std::string::npos);
    EXPECT_NE(error_of([] { parse_size("20000000000000G"); }).find("too large"), std::string::npos);
}

TEST(Units, DurationsNeedAUnit) {
    EXPECT_EQ(parse_duration("3990ns"), Ticks{3990});
    EXPECT_EQ(parse_duration("250us"), microseconds(250));
    EXPECT_EQ(parse_duration("10ms"), milliseconds(10));
    EXPECT_EQ(parse_duration("2s"), milliseconds(2000));
    EXPECT_EQ(error_of([] { parse_duration("10"); }),
              "'10' at column 3: missing unit (use ns, us, ms or s)");
    EXPECT_EQ(error_of([] { parse_duration("10min"); }),
              "'10min' at column 3: unknown time unit 'min' (use ns, us, ms or s)");
}

TEST(Units, PartitionsAreBaseColonSize) {
    Partition p = parse_partition("128M:64M", OsId::Preceding);
    EXPECT_EQ(p.base, PhysAddr{128ull << 20});
    EXPECT_EQ(p.size_bytes, 64ull << 20);
    EXPECT_EQ(p.owner, OsId::Preceding);
    EXPECT_EQ(error_of([] { parse_partition("128M", OsId::Preceding); }),
              "'128M' at column 5: expected BASE:SIZE");
    EXPECT_NE(error_of([] { parse_partition("0:12Q", OsId::Coexisting); }).find("size: '12Q'"),
              std::string::npos);
}

}  // namespace
}  // namespace twinos::test
