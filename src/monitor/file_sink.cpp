// SPDX-License-Identifier: MIT
// FileSink: whole blocks, and cutting back after a failed write.
#include "monitor/file_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "monitor/log_writer.h"

namespace monitor {

FileSink::FileSink(const std::string& path) : path_(path == "-" ? "stdout" : path) {
    // Plain file descriptor writes: nothing sits in a library buffer that a
    // later close could still push out after the file was cut back.
    // `-` is standard output (a pipe, usually: it cannot be cut back).
    fd_ = path == "-" ? ::dup(1) : ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd_ < 0) throw WriteError(path + ": cannot create: " + std::strerror(errno));
    buffer_.reserve(kBuffer + 2048);
}

FileSink::~FileSink() {
    if (fd_ >= 0) ::close(fd_);
}

void FileSink::write_block(std::span<const std::byte> block) {
    buffer_.insert(buffer_.end(), block.begin(), block.end());
    if (buffer_.size() >= kBuffer) flush();
}

// [monitor:file-flush]
void FileSink::flush() {
    if (buffer_.empty() || fd_ < 0) return;
    std::size_t done = 0;
    while (done < buffer_.size()) {
        const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        const int error = n < 0 ? errno : ENOSPC;
        // Cut the file back to its last whole buffer -- a block boundary --
        // so that what was written before is still a valid file.
        if (::ftruncate(fd_, committed_) != 0) { /* keep the first error */
        }
        buffer_.clear();
        throw WriteError(path_ + ": write failed after " + std::to_string(committed_) +
                         " bytes: " + std::strerror(error));
    }
    committed_ += static_cast<long>(buffer_.size());
    buffer_.clear();
}
// [/monitor:file-flush]

void FileSink::close() {
    if (fd_ < 0) return;
    flush();
    const int result = ::close(fd_);
    fd_ = -1;
    if (result != 0) throw WriteError(path_ + ": close failed: " + std::strerror(errno));
}

}  // namespace monitor
