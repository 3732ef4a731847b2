// SPDX-License-Identifier: MIT
// Test helper: a whole file's bytes, to compare two outputs or read a report.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace twinos::test {

/// Every byte of the file at `path` (empty when it cannot be read).
inline std::string bytes_of(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace twinos::test
