// SPDX-License-Identifier: MIT
// A test binary for testing the grader itself (scripts/grade.py): built
// twice, as it stands one test passes, one fails with values to show, one
// never finishes and one aborts; built with TWINOS_FIXTURE_GOOD every test
// passes. Never registered with ctest -- test_grader.py runs it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <future>

namespace {

int add(int a, int b) {
#ifdef TWINOS_FIXTURE_GOOD
    return a + b;
#else
    return a + b + 1;  // the "student's" bug
#endif
}

TEST(Fixture, Passes) { EXPECT_EQ(add(1, 1), 2 + (add(0, 0) != 0)); }

TEST(Fixture, ComparesValues) {
    SCOPED_TRACE("seed 17 (replay: --gtest_filter=Fixture.ComparesValues)");
    EXPECT_EQ(add(2, 2), 4);
}

TEST(Fixture, NeverFinishes) {
    if (add(0, 0) != 0) std::promise<void>().get_future().wait();  // blocks forever
}

TEST(Fixture, Aborts) {
    if (add(0, 0) != 0) std::abort();
}

}  // namespace
