// SPDX-License-Identifier: MIT
// Chapter 6 tests: `twinos run` as a user runs it -- the scenario's summary,
// rule-file errors, overwrite losses in the output, rule changes mid-run,
// signals and unwritable output.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../common/file_bytes.h"
#include "../common/libpcap_oracle.h"
#include "../common/run_twinos.h"
#include "pcapng_blocks.h"
#include "twinos/edge/capture_generator.h"

namespace twinos::test {
namespace {

namespace fs = std::filesystem;

fs::path temp(const std::string& name) {
    return fs::temp_directory_path() / ("twinos-run-" + std::to_string(getpid()) + "-" + name);
}

// How many packets libpcap reads from `path`; what it said if it stopped early.
std::size_t packets_in(const fs::path& path, std::string* error = nullptr) {
    const OracleFile file = read_with_libpcap(path);
    if (error) *error = file.error;
    return file.records.size();
}

void write_text(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

TEST(RunMonitor, TheScenarioWritesItsCaptureAndAStableSummary) {
    const fs::path out = temp("s.pcap");
    const CommandRun a = run_twinos("run -c 100 -w " + out.string());
    ASSERT_EQ(a.exit_code, 0) << a.output;
    EXPECT_TRUE(has(a.output, "capture matched=101 captured=101 lost=0 "))
        << a.output;  // 100 replies + the request
    EXPECT_TRUE(has(a.output, "client  requested=100 received=100 corrupt=0")) << a.output;
    EXPECT_TRUE(has(a.output, "table1  model constants, simulated: A=1.99us B=3.99us C=7.32us"))
        << a.output;
    EXPECT_TRUE(has(a.output, "throughput  paper sec. 4.4")) << a.output;
    EXPECT_EQ(packets_in(out), 101u);
    const CommandRun b = run_twinos("run -c 100 -w " + out.string());
    EXPECT_EQ(a.output, b.output) << "the same run must print the same summary";
    fs::remove(out);
}

TEST(RunMonitor, EveryKindOfBadInputIsOneErrorLineAndExitTwo) {
    const fs::path out = temp("never.pcap");
    // A bad option, a capture that cannot be replayed, a filter that does
    // not compile: each named, nothing run, no output file.
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"run --log-area 12Q -w " + out.string(), "12Q"},
        {"run -r /nonexistent.pcap -w " + out.string(), "/nonexistent.pcap"},
        {"run -w " + out.string() + " tcp prot 80", "tcp prot 80"},
    };
    for (const auto& [command, named] : cases) {
        const CommandRun r = run_twinos(command);
        EXPECT_EQ(r.exit_code, 2) << command;
        EXPECT_TRUE(has(r.output, "twinos run: error: ")) << r.output;
        EXPECT_TRUE(has(r.output, named)) << r.output;
        EXPECT_FALSE(has(r.output, "halt")) << r.output;
        EXPECT_FALSE(fs::exists(out)) << command;
    }
}

TEST(RunMonitor, RuleFileMistakesStopEverythingAndCreateNoOutput) {
    const fs::path rules = temp("bad.rules"), out = temp("never.pcap");
    write_text(rules, "twinos-rules 1\nrule web filter \"tcp prot 80\" slice 96\n");
    const CommandRun r = run_twinos("run --rules " + rules.string() + " -w " + out.string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(has(r.output, rules.string() + ":2:17: filter \"tcp prot 80\":")) << r.output;
    EXPECT_FALSE(fs::exists(out));
    const CommandRun offset = run_twinos("run --offset 14 -s 20 -w " + out.string());
    EXPECT_EQ(offset.exit_code, 2);
    EXPECT_TRUE(has(offset.output, "takes its slice from offset 14: pcap and pcapng need slices"))
        << offset.output;
    EXPECT_FALSE(fs::exists(out));
    const CommandRun both = run_twinos("run --rules " + rules.string() + " udp");
    EXPECT_EQ(both.exit_code, 2);
    EXPECT_TRUE(has(both.output, "either --rules FILE or a filter expression")) << both.output;
    fs::remove(rules);
}

TEST(RunMonitor, OverwriteLossesAreCountedAndRecordedInThePcapng) {
    const fs::path out = temp("lossy.pcapng");
    // An 8 KiB log area read every 50 ms cannot keep up with 300 frames: the
    // run lasts about 15 ms, so only step 4's last read takes records.
    const CommandRun r =
        run_twinos("run -c 300 --log-area 8K --poll-interval 50ms -w " + out.string());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const auto at = r.output.find("capture matched=");
    ASSERT_NE(at, std::string::npos);
    unsigned long long matched = 0, captured = 0, lost = 0;
    ASSERT_EQ(std::sscanf(r.output.c_str() + at, "capture matched=%llu captured=%llu lost=%llu",
                          &matched, &captured, &lost),
              3);
    EXPECT_GT(lost, 0u);
    EXPECT_EQ(captured + lost, matched);
    EXPECT_EQ(packets_in(out), captured);
    const auto all = blocks(out);
    ASSERT_FALSE(all.empty());
    EXPECT_EQ(option(all.back().second, 12, 7), lost) << "isb_osdrop";
    // Wireshark's reader agrees: per-packet drop counts add up to the loss.
    if (fs::exists("/usr/bin/tshark")) {
        const fs::path fields = temp("drops.txt");
        ASSERT_EQ(std::system(("tshark -r " + out.string() + " -T fields -e frame.drop_count > " +
                               fields.string() + " 2>/dev/null")
                                  .c_str()),
                  0);
        std::ifstream in(fields);
        unsigned long long sum = 0, lines = 0, v;
        std::string line;
        while (std::getline(in, line)) {
            ++lines;
            if (!line.empty() && std::sscanf(line.c_str(), "%llu", &v) == 1) sum += v;
        }
        EXPECT_EQ(lines, captured);
        EXPECT_EQ(sum, lost);
        fs::remove(fields);
    }
    fs::remove(out);
}

TEST(RunMonitor, RulesChangeMidRunAtTheGivenTime) {
    const fs::path a = temp("a.rules"), b = temp("b.rules"), out = temp("change.txt");
    write_text(a, "twinos-rules 1\nrule small filter \"len < 200\" slice 64\n");
    write_text(b, "twinos-rules 1\nrule big filter \"len >= 200\" slice 64\n");
    const CommandRun r = run_twinos("run -c 300 --rules " + a.string() +
                                    " --rules-at 6ms:" + b.string() + " -w " + out.string());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(has(r.output, "rules   changed at ")) << r.output;
    std::ifstream in(out);
    std::string line;
    bool changed = false;
    std::size_t small = 0, big = 0;
    while (std::getline(in, line)) {
        if (line[0] == '#') continue;
        unsigned captured = 0, original = 0;
        ASSERT_EQ(std::sscanf(line.c_str(), "%*s %*s %u/%u", &captured, &original), 2) << line;
        if (original >= 200) changed = true;
        // Before the change only small frames, after it only big ones.
        if (!changed) {
            EXPECT_LT(original, 200u) << line;
            ++small;
        } else {
            EXPECT_GE(original, 200u) << line;
            ++big;
        }
    }
    EXPECT_GT(small, 0u);
    EXPECT_GT(big, 0u);
    fs::remove(a);
    fs::remove(b);
    fs::remove(out);
}

TEST(RunMonitor, StatisticsGoToJsonToo) {
    const fs::path out = temp("j.pcap"), json = temp("stats.json");
    const CommandRun r =
        run_twinos("run -c 50 -w " + out.string() + " --stats-json " + json.string());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    const std::string text = bytes_of(json);
    EXPECT_TRUE(has(text, "\"matched\": 51")) << text;
    EXPECT_TRUE(has(text, "\"captured\": 51")) << text;
    EXPECT_TRUE(has(text, "\"lost\": 0")) << text;
    EXPECT_TRUE(has(text, "\"security_events\": 0")) << text;
    // Statistics that cannot be written are an error, and the capture stays valid.
    const CommandRun bad =
        run_twinos("run -c 50 -w " + out.string() + " --stats-json /nonexistent-dir/s.json");
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_TRUE(has(bad.output, "/nonexistent-dir/s.json: cannot write the statistics"))
        << bad.output;
    EXPECT_EQ(packets_in(out), 51u);
    fs::remove(out);
    fs::remove(json);
}

TEST(RunMonitor, ReplaysToPcapngReadBackByLibpcapAndTshark) {
    for (const char* name : {"afs.pcap", "mptcp-v0.pcap", "dhcp-option-108.pcapng"}) {
        SCOPED_TRACE(name);
        const fs::path in = fs::path(TWINOS_TEST_DATA) / "pcaps/ethernet" / name,
                       out = temp("r.pcapng");
        const CommandRun r = run_twinos("run -r " + in.string() + " -w " + out.string());
        ASSERT_EQ(r.exit_code, 0) << r.output;
        const std::size_t n = packets_in(in);
        EXPECT_EQ(packets_in(out), n);
        const fs::path count = temp("count.txt");
        ASSERT_EQ(
            std::system(
                ("tshark -r " + out.string() + " 2>/dev/null | wc -l > " + count.string()).c_str()),
            0);
        std::size_t lines = 0;
        std::ifstream(count) >> lines;
        EXPECT_EQ(lines, n);
        fs::remove(out);
        fs::remove(count);
    }
}

// A pcapng file of 60-byte frames at the given nanosecond times, built by
// hand (not by our writer, which lab 6 hands out).
void write_pcapng(const fs::path& path, const std::vector<std::uint64_t>& times_ns) {
    std::vector<std::uint8_t> out;
    auto u32 = [&](std::uint32_t v) {
        for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    };
    for (std::uint32_t w : {0x0A0D0D0Au, 28u, 0x1A2B3C4Du, 1u, 0xffffffffu, 0xffffffffu, 28u})
        u32(w);
    // IDB: Ethernet, snaplen 65535, if_tsresol = 9 (nanoseconds), end of options.
    for (std::uint32_t w : {1u, 32u, 1u, 65535u, 0x00010009u, 9u, 0u, 32u}) u32(w);
    for (std::uint64_t t : times_ns) {
        for (std::uint32_t w : {6u, 92u, 0u, static_cast<std::uint32_t>(t >> 32),
                                static_cast<std::uint32_t>(t), 60u, 60u})
            u32(w);
        out.insert(out.end(), 60, 0x11);
        u32(92);
    }
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(out.data()), out.size());
}

// A pcapng timestamp past what a signed 64-bit nanosecond clock holds (year
// 2262) is refused by record, not wrapped; the records before it are kept.
TEST(RunMonitor, ATimestampPastTheLatestNanosecondIsRefusedByRecord) {
    for (std::uint64_t late : {(1ull << 63) + 5, ~0ull}) {
        SCOPED_TRACE(late);
        const fs::path in =
            fs::temp_directory_path() / ("twinos-late-" + std::to_string(getpid()) + ".pcapng");
        const fs::path out =
            fs::temp_directory_path() / ("twinos-late-out-" + std::to_string(getpid()) + ".pcap");
        write_pcapng(in, {1'700'000'000'000'000'000ull, late});
        ASSERT_EQ(read_with_libpcap(in).records.size(), 2u) << "the input itself is a valid file";
        const CommandRun r = run_twinos("run -r " + in.string() + " -w " + out.string());
        EXPECT_NE(r.exit_code, 0) << r.output;
        EXPECT_TRUE(has(r.output, "record 2 (byte offset")) << r.output;
        EXPECT_TRUE(has(r.output, "does not fit a 64-bit count of nanoseconds")) << r.output;
        const OracleFile kept = read_with_libpcap(out);
        EXPECT_EQ(kept.error, "");
        EXPECT_EQ(kept.records.size(), 1u) << "the frame before the bad record is kept";
        fs::remove(in);
        fs::remove(out);
    }
}

TEST(RunMonitor, CountStopsAReplayAtExactlyThatManyFrames) {
    // Frames 10 µs apart: the 1 ms drain at the end must not let the wire
    // carry on past the count, as it did when -c was counted at arrival.
    const fs::path in = temp("count-in.pcap"), out = temp("count-out.pcap");
    edge::GeneratedCapture what;
    what.frames = 2000;
    edge::write_generated_capture(in.string(), what);
    for (const char* mode : {"", "--original "}) {
        SCOPED_TRACE(mode);
        const CommandRun r = run_twinos(std::string("run ") + mode + "-c 300 -r " + in.string() +
                                        " -w " + out.string());
        ASSERT_EQ(r.exit_code, 0) << r.output;
        EXPECT_TRUE(has(r.output, "wire    frames=300 ")) << r.output;
    }
    EXPECT_EQ(packets_in(out), 300u);  // the monitored run's file (--original writes none)
    // Nothing past the count is even read: damage after it is no error.
    const fs::path damaged =
        fs::path(TWINOS_TEST_DATA) / "pcaps/odd" / "dns_tcp.cut-mid-packet.pcap";  // at record 11
    const CommandRun five = run_twinos("run -c 5 -r " + damaged.string() + " -w " + out.string());
    EXPECT_EQ(five.exit_code, 0) << five.output;
    EXPECT_TRUE(has(five.output, "wire    frames=5 ")) << five.output;
    EXPECT_FALSE(has(five.output, "twinos run: error")) << five.output;
    fs::remove(in);
    fs::remove(out);
}

TEST(RunMonitor, AnUnwritableOutputIsAClearError) {
    const CommandRun r = run_twinos("run -c 10 -w /nonexistent-dir/x.pcap");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(has(r.output, "/nonexistent-dir/x.pcap: cannot create")) << r.output;
}

// Start `twinos ARGS --trace nic,net` (the trace keeps output flowing
// through the pipe), wait -- on the pipe, not the clock -- until the NIC is
// up, send SIGINT and wait for the exit. @return the exit status.
int interrupt_run(std::vector<std::string> args) {
    args.insert(args.begin(), TWINOS_BINARY);
    args.insert(args.end(), {"--trace", "nic,net"});
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) return -1;
    const pid_t child = fork();
    if (child == 0) {
        dup2(pipe_fds[1], 1);
        close(pipe_fds[0]);
        execv(TWINOS_BINARY, argv.data());
        _exit(127);
    }
    close(pipe_fds[1]);
    char buf[4096];
    std::string seen;
    while (seen.find("up, station") == std::string::npos) {
        const ssize_t n = read(pipe_fds[0], buf, sizeof buf);
        if (n <= 0) break;  // ended before it started: the caller's checks fail
        seen.append(buf, static_cast<std::size_t>(n));
    }
    kill(child, SIGINT);
    while (read(pipe_fds[0], buf, sizeof buf) > 0) {
    }
    close(pipe_fds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(RunMonitor, SigintStopsTheTrafficAndLeavesAValidFile) {
    const fs::path in = temp("long.pcap"), out = temp("interrupted.pcap");
    edge::write_generated_capture(in, {200'000, {64}, machine::microseconds(20)});
    EXPECT_EQ(interrupt_run({"run", "-r", in.string(), "-w", out.string()}), 0);
    std::string error;
    const std::size_t n = packets_in(out, &error);
    EXPECT_EQ(error, "") << "the file must read to a clean end";
    EXPECT_LT(n, 200'000u) << "the run was not interrupted";
    fs::remove(in);
    fs::remove(out);
}

TEST(RunMonitor, SigintStopsTheBuiltInScenarioToo) {
    const fs::path whole = temp("whole-scenario.pcap"), out = temp("interrupted-scenario.pcap");
    ASSERT_EQ(run_twinos("run -c 100000 -w " + whole.string()).exit_code, 0);
    EXPECT_EQ(interrupt_run({"run", "-c", "100000", "-w", out.string()}), 0);
    std::string error;
    const std::size_t n = packets_in(out, &error);
    EXPECT_EQ(error, "") << "the file must read to a clean end";
    EXPECT_LT(n, packets_in(whole)) << "the run was not interrupted";
    fs::remove(whole);
    fs::remove(out);
}

TEST(RunMonitor, PipesInAndOutGiveTheSameCaptureAsFiles) {
    const fs::path in = fs::path(TWINOS_TEST_DATA) / "pcaps/ethernet/afs.pcap";
    const fs::path ng = fs::path(TWINOS_TEST_DATA) / "pcaps/ethernet/OSPFv2_Capture_FINAL.pcapng";
    for (const auto& [capture, format] :
         {std::pair{in, std::string("pcap")}, std::pair{ng, std::string("pcapng")}}) {
        SCOPED_TRACE(format);
        const fs::path file = temp("file." + format), piped = temp("piped." + format);
        ASSERT_EQ(run_twinos("run -r " + capture.string() + " -w " + file.string()).exit_code, 0);
        // Through stdin and stdout; the summary goes to stderr.
        const CommandRun r =
            run_shell("cat " + capture.string() + " | " + twinos_binary() +
                      " run -r - -w - --format " + format + " 2>/dev/null > " + piped.string());
        ASSERT_EQ(r.exit_code, 0) << r.output;
        EXPECT_EQ(bytes_of(piped), bytes_of(file));
        EXPECT_GT(packets_in(piped), 0u);
        fs::remove(file);
        fs::remove(piped);
    }
    // tcpdump reads the stream straight from the pipe.
    if (fs::exists("/usr/bin/tcpdump")) {
        const CommandRun t = run_shell(twinos_binary() + " run -r - -w - < " + in.string() +
                                       " 2>/dev/null | tcpdump -nr - 2>/dev/null | wc -l");
        EXPECT_EQ(std::atoi(t.output.c_str()), 601) << t.output;
    }
}

TEST(RunMonitor, AReaderThatGoesAwayIsANamedWriteError) {
    const fs::path in = fs::path(TWINOS_TEST_DATA) / "pcaps/ethernet/afs.pcap";
    const CommandRun r = run_shell(twinos_binary() + " run -r " + in.string() +
                                   " -w - 2>&1 >/dev/full; echo status=$?");
    EXPECT_TRUE(has(r.output, "stdout: write failed")) << r.output;
    EXPECT_TRUE(has(r.output, "status=1")) << r.output;
}

TEST(RunMonitor, ALedgerThatDoesNotAddUpIsABugAndExitsOne) {
    const fs::path out = temp("skew.pcap");
    const CommandRun fine = run_twinos("run -c 20 -w " + out.string());
    ASSERT_EQ(fine.exit_code, 0) << fine.output;
    EXPECT_FALSE(has(fine.output, "does not add up")) << fine.output;
    const CommandRun skewed =
        run_twinos("run -c 20 -w " + out.string(), "TWINOS_TEST_LEDGER_SKEW=3");
    EXPECT_EQ(skewed.exit_code, 1) << skewed.output;
    EXPECT_TRUE(has(skewed.output, "loss ledger does not add up")) << skewed.output;
    EXPECT_TRUE(has(skewed.output, "0 != 3")) << skewed.output;
    EXPECT_GT(packets_in(out), 0u) << "the capture is still complete";
    fs::remove(out);
}

TEST(RunMonitor, EveryLossIsAWarningAndTcpdumpsClosingLines) {
    const fs::path out = temp("lossy.pcap");
    const CommandRun r = run_twinos("run -c 300 --log-area 8K -w " + out.string());
    ASSERT_EQ(r.exit_code, 0) << r.output;  // losses do not change the exit status
    const long long lost = std::atoll(r.output.c_str() + r.output.find(" lost=") + 6);
    ASSERT_GT(lost, 0);
    EXPECT_TRUE(
        has(r.output, "warning: " + std::to_string(lost) + " frames lost at rules -> log area"))
        << r.output;
    EXPECT_TRUE(has(r.output, "--log-area")) << "the warning names the option that avoids it";
    EXPECT_TRUE(has(r.output, std::to_string(lost) + " packets dropped by kernel")) << r.output;
    EXPECT_TRUE(has(r.output, std::to_string(packets_in(out)) + " packets captured")) << r.output;
    fs::remove(out);
}

TEST(RunMonitor, BadPacingOptionsAreNamed) {
    for (const auto& [args, says] :
         {std::pair{"--pace sometimes", "--pace: 'sometimes'"},
          std::pair{"--speed 0", "--speed: '0'"}, std::pair{"--speed fast", "--speed: 'fast'"},
          std::pair{"--link-speed 10X", "--link-speed: '10X'"}, std::pair{"-c -2", "-c: '-2'"},
          std::pair{"-c 4294967296", "-c: '4294967296'"}}) {
        const CommandRun r = run_twinos(std::string("run -w /dev/null ") + args);
        EXPECT_EQ(r.exit_code, 2) << args;
        EXPECT_TRUE(has(r.output, says)) << r.output;
    }
}

}  // namespace
}  // namespace twinos::test
