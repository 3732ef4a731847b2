// SPDX-License-Identifier: MIT
// Chapter 6 tests: one received frame followed through the trace, step by
// step, every line in time order -- NIC DMA, the interrupt, (A) with the
// copy, the switch, (C) with its trapped I/O, as the paper's Table 1 lists them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "monitor/monitored_run.h"

namespace twinos::test {
namespace {

using namespace twinos::machine;
namespace fs = std::filesystem;

std::int64_t stamp(const std::string& line) { return std::stoll(line.substr(1, 12)); }

std::size_t find_from(const std::vector<std::string>& lines, std::size_t from,
                      const std::string& text) {
    for (std::size_t i = from; i < lines.size(); ++i)
        if (lines[i].find(text) != std::string::npos) return i;
    return lines.size();
}

TEST(TraceOrder, OneFrameGoesThroughEveryStepInTimeOrder) {
    const fs::path out = fs::temp_directory_path() / ("twinos-trace-" + std::to_string(::getpid()));
    monitor::MonitoredRunOptions o;
    o.monitor.rules = monitor::command_line_rules("", 0, 1536);
    o.monitor.output = out.string();
    o.scenario.count = 1;
    o.scenario.frame_sizes = {64};
    monitor::MonitoredRun run(std::move(o));
    Trace& trace = run.twin().machine().trace();
    trace.set_mask(~0u);
    trace.keep_lines(true);
    run.run();
    const std::vector<std::string>& lines = trace.lines();
    // The one frame the co-existing OS receives: the server's reply.
    const std::size_t arrive = find_from(lines, 0, "link: frame of 64 bytes arrives");
    ASSERT_LT(arrive, lines.size());
    const std::size_t dma = find_from(lines, arrive, "nic0: upload 64 bytes into UPD");
    const std::size_t step_a = find_from(lines, dma, "-> preceding handler");
    const std::size_t copy = find_from(lines, step_a, "capture: rx 64 bytes logged");
    const std::size_t raise = find_from(lines, copy, "virq 11 raised");
    const std::size_t step_c = find_from(lines, raise, "virq 11 -> coexisting handler");
    ASSERT_LT(step_c, lines.size()) << "the steps are not all there, in this order";
    // (C): the driver's trapped I/O, up to its last status read.
    std::size_t end_c = step_c;
    int trapped = 0;
    for (std::size_t i = step_c + 1; i < lines.size(); ++i) {
        if (lines[i].find("coexisting") == std::string::npos) {
            if (lines[i].find(" io ") != std::string::npos ||
                lines[i].find("nic0: command") != std::string::npos)
                continue;  // the pseudo NIC forwarding to the card, inside a trap
            break;
        }
        if (lines[i].find("(trap pseudonic:nic0)") == std::string::npos) break;
        ++trapped;
        end_c = i;
    }
    const os::Driver3c905x* driver = run.twin().nic_driver(OsId::Coexisting);
    ASSERT_NE(driver, nullptr);
    EXPECT_EQ(static_cast<std::uint64_t>(trapped), driver->stats().io_in_last_interrupt);
    EXPECT_GE(trapped, 5);  // the paper's five, and more when a transmit completed too
    // Every line from the frame's arrival to the end of (C) in time order.
    for (std::size_t i = arrive + 1; i <= end_c; ++i) {
        EXPECT_LE(stamp(lines[i - 1]), stamp(lines[i])) << lines[i - 1] << "\n" << lines[i];
    }
    // And (C)'s trapped I/O take time: each is charged as it happens.
    EXPECT_GT(stamp(lines[end_c]), stamp(lines[step_c]));
    fs::remove(out);
}

}  // namespace
}  // namespace twinos::test
