// SPDX-License-Identifier: MIT
// Chapter 3 tests: `twinos generate`, the benchmark inputs, read back by
// libpcap and replayed through the original machine.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "../common/libpcap_oracle.h"
#include "../common/run_twinos.h"

namespace twinos::test {
namespace {

namespace fs = std::filesystem;

fs::path temp(const std::string& name) {
    return fs::temp_directory_path() / ("twinos-gen-" + std::to_string(getpid()) + "-" + name);
}

TEST(GenerateCommand, MixedSizesCycleEvenlySpacedAndLibpcapReadsThemAll) {
    const fs::path out = temp("mixed.pcap");
    const CommandRun r =
        run_twinos("generate -n 1000 --sizes mixed --spacing 2us -w " + out.string());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(has(r.output, "wrote 1000 frames")) << r.output;
    const OracleFile file = read_with_libpcap(out);
    ASSERT_EQ(file.error, "");
    ASSERT_EQ(file.records.size(), 1000u);
    const std::uint32_t cycle[] = {64, 128, 256, 512, 1024, 1514};
    for (std::size_t i = 0; i < file.records.size(); ++i) {
        const OracleRecord& rec = file.records[i];
        ASSERT_EQ(rec.bytes.size(), cycle[i % 6]) << i;
        EXPECT_EQ(rec.original_length, cycle[i % 6]) << i;
        if (i > 0) {
            EXPECT_EQ(rec.time_ns - file.records[i - 1].time_ns, 2000) << i;
        }
    }
    fs::remove(out);
}

TEST(GenerateCommand, TheOriginalMachineReceivesEveryGeneratedFrame) {
    const fs::path out = temp("udp64.pcap");
    ASSERT_EQ(run_twinos("generate -n 500 -w " + out.string()).exit_code, 0);
    const CommandRun r = run_twinos("run --original -r " + out.string());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(has(r.output, "rx_packets=500")) << r.output;
    fs::remove(out);
}

TEST(GenerateCommand, BadSizesAndAnUnwritableFileAreClearErrors) {
    const CommandRun sizes =
        run_twinos("generate -n 10 --sizes 64,2000 -w " + temp("x.pcap").string());
    EXPECT_EQ(sizes.exit_code, 2);
    EXPECT_TRUE(has(sizes.output, "--sizes: '64,2000' at column 4")) << sizes.output;
    EXPECT_FALSE(fs::exists(temp("x.pcap")));
    const CommandRun spacing =
        run_twinos("generate -n 10 --spacing 10 -w " + temp("y.pcap").string());
    EXPECT_EQ(spacing.exit_code, 2) << spacing.output;
    const CommandRun unwritable = run_twinos("generate -n 10 -w /nonexistent/dir/z.pcap");
    EXPECT_EQ(unwritable.exit_code, 1);
    EXPECT_TRUE(has(unwritable.output, "/nonexistent/dir/z.pcap")) << unwritable.output;
}

}  // namespace
}  // namespace twinos::test
