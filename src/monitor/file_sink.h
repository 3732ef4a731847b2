// SPDX-License-Identifier: MIT
// FileSink: an output file written block by block, never left with half a block.
// Part of the monitor AP (preceding OS user space).
//
// Blocks (pcapng blocks, text lines) collect in a 64 KiB buffer that goes to
// the file in one write. When a write fails -- a full disk, a pipe closed --
// the file is cut back to the end of the last buffer written whole, which
// always ends on a block boundary, so readers such as tcpdump still read
// everything before the failure; the error names the file.
//
// Chapter: chapters/06-monitor-ap.rst.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace monitor {

/// A file written in whole blocks.
class FileSink {
public:
    /// Create (truncate) `path`. @throws WriteError naming the file and the reason.
    explicit FileSink(const std::string& path);
    ~FileSink();
    FileSink(const FileSink&) = delete;
    FileSink& operator=(const FileSink&) = delete;

    /// Append one whole block. On a failed write the file is cut back to its
    /// last whole buffer. @throws WriteError when a write fails.
    void write_block(std::span<const std::byte> block);
    /// Write out what is buffered. @throws WriteError
    void flush();
    /// Flush and close. @throws WriteError
    void close();
    /// The file's name.
    const std::string& path() const { return path_; }

private:
    static constexpr std::size_t kBuffer = 64 * 1024;
    std::string path_;
    int fd_ = -1;
    std::vector<std::byte> buffer_;
    long committed_ = 0;  // bytes of whole blocks in the file
};

}  // namespace monitor
