// SPDX-License-Identifier: MIT
// The monitor's background writer: the same file as the writer alone, and
// a write error still reaches the AP.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "../common/file_bytes.h"
#include "monitor/background_writer.h"
#include "monitor/log_writer.h"

namespace {

namespace fs = std::filesystem;
using monitor::BackgroundWriter;
using monitor::CaptureTotals;
using monitor::LogWriter;
using monitor::WriteError;
using twinos::test::bytes_of;

capture::RecordHeader header_for(std::uint32_t i, std::uint32_t length) {
    capture::RecordHeader h;
    h.sequence = i;
    h.timestamp_ns = 1'146'441'600'000'000'000ull + 1000ull * i;
    h.original_length = length + i % 5;
    h.captured_length = length;
    h.direction = i % 3 ? capture::Direction::Rx : capture::Direction::Tx;
    return h;
}

// Writes `n` packets of varied length through `writer`.
void write_packets(LogWriter& writer, std::uint32_t n) {
    std::vector<std::byte> slice;
    for (std::uint32_t i = 0; i < n; ++i) {
        const std::uint32_t length = 14 + (i * 131) % 1500;
        slice.assign(length, std::byte(i));
        const auto h = header_for(i, length);
        writer.write(h, slice, i % 100 == 0 ? 2 : 0);
    }
    writer.finish(CaptureTotals{n, 2 * (n / 100 + 1), n});
}

TEST(BackgroundWriter, MakesTheSameFileAsTheWriterAloneAcrossManyBatches) {
    // One folder per process: the lab self-test runs a twin of this binary.
    const fs::path dir =
        fs::temp_directory_path() / ("twinos-background-writer-" + std::to_string(getpid()));
    fs::create_directories(dir);
    // More records and bytes than several batches hold.
    const std::uint32_t n = 3 * BackgroundWriter::kBatchRecords + 17;
    // pcap and text: the pcapng writer is lab 6's to write, and this test is
    // about the background, not about any one format.
    for (const auto format : {monitor::Format::Pcap, monitor::Format::Text}) {
        const fs::path alone = dir / "alone", behind = dir / "behind";
        {
            auto direct = monitor::open_writer(format, alone.string(), 1514);
            write_packets(*direct, n);
        }
        {
            BackgroundWriter background(monitor::open_writer(format, behind.string(), 1514));
            write_packets(background, n);
        }
        const std::string a = bytes_of(alone), b = bytes_of(behind);
        EXPECT_GT(a.size(), 1'000'000u) << "several batches by bytes, too";
        EXPECT_TRUE(a == b) << "format " << static_cast<int>(format) << ": " << a.size() << " vs "
                            << b.size() << " bytes";
    }
    fs::remove_all(dir);
}

// A writer whose disk fills after `fail_at` packets.
class FillingWriter : public LogWriter {
public:
    explicit FillingWriter(std::uint32_t fail_at, std::uint32_t& written)
        : fail_at_(fail_at), written_(written) {}
    void write(const capture::RecordHeader&, std::span<const std::byte>, std::uint64_t) override {
        if (written_ == fail_at_)
            throw WriteError("out.pcap: write failed: No space left on device");
        ++written_;
    }
    void finish(const CaptureTotals&) override { finished_ = true; }
    bool finished_ = false;

private:
    std::uint32_t fail_at_;
    std::uint32_t& written_;
};

TEST(BackgroundWriter, AWriteErrorReachesTheApAndNothingIsWrittenAfterIt) {
    std::uint32_t written = 0;
    BackgroundWriter background(std::make_unique<FillingWriter>(5000, written));
    const std::vector<std::byte> slice(60);
    bool raised = false;
    try {
        for (std::uint32_t i = 0; i < 100000; ++i) {
            background.write(header_for(i, 60), slice, 0);
        }
        background.finish(CaptureTotals{});
    } catch (const WriteError& e) {
        raised = true;
        EXPECT_NE(std::string(e.what()).find("No space left"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(raised) << "the AP never heard of the full disk";
    EXPECT_EQ(written, 5000u) << "records after the failure must not be written";
}

TEST(BackgroundWriter, AnErrorInTheLastBatchIsRaisedByFinish) {
    std::uint32_t written = 0;
    BackgroundWriter background(std::make_unique<FillingWriter>(10, written));
    const std::vector<std::byte> slice(60);
    for (std::uint32_t i = 0; i < 20; ++i) background.write(header_for(i, 60), slice, 0);
    EXPECT_THROW(background.finish(CaptureTotals{}), WriteError);
    EXPECT_EQ(written, 10u);
}

}  // namespace
