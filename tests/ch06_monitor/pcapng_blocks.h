// SPDX-License-Identifier: MIT
// Test helper: the blocks of a pcapng file, and the options inside them.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace twinos::test {

// Every block of a pcapng file: (type, body).
inline std::vector<std::pair<std::uint32_t, std::vector<std::byte>>> blocks(
    const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> all((std::istreambuf_iterator<char>(in)), {});
    std::vector<std::pair<std::uint32_t, std::vector<std::byte>>> out;
    auto u32 = [&](std::size_t at) {
        std::uint32_t v = 0;
        for (int i = 3; i >= 0; --i) v = v << 8 | static_cast<std::uint8_t>(all[at + i]);
        return v;
    };
    for (std::size_t at = 0; at + 12 <= all.size();) {
        const std::uint32_t type = u32(at), length = u32(at + 4);
        EXPECT_EQ(length % 4, 0u);
        EXPECT_EQ(u32(at + length - 4), length) << "trailer length";
        out.emplace_back(type, std::vector<std::byte>(
                                   reinterpret_cast<std::byte*>(all.data() + at + 8),
                                   reinterpret_cast<std::byte*>(all.data() + at + length - 4)));
        at += length;
    }
    return out;
}

// The value of option `code` in an options list starting at `at` of `body`.
inline std::optional<std::uint64_t> option(const std::vector<std::byte>& body, std::size_t at,
                                           std::uint16_t code) {
    while (at + 4 <= body.size()) {
        const auto c = std::to_integer<std::uint16_t>(body[at]) |
                       std::to_integer<std::uint16_t>(body[at + 1]) << 8;
        const auto n = std::to_integer<std::uint16_t>(body[at + 2]) |
                       std::to_integer<std::uint16_t>(body[at + 3]) << 8;
        if (c == 0) break;
        if (c == code) {
            std::uint64_t v = 0;
            for (int i = n - 1; i >= 0; --i)
                v = v << 8 | std::to_integer<std::uint64_t>(body[at + 4 + i]);
            return v;
        }
        at += 4 + (n + 3) / 4 * 4;
    }
    return std::nullopt;
}

// "" when the options list starting at `at` of `body` ends with
// opt_endofopt (code 0, length 0) exactly at the end of the block's body;
// otherwise what is wrong, and at which offset.
inline std::string options_end(const std::vector<std::byte>& body, std::size_t at) {
    auto u16 = [&](std::size_t i) {
        return static_cast<std::uint16_t>(std::to_integer<std::uint16_t>(body[i]) |
                                          std::to_integer<std::uint16_t>(body[i + 1]) << 8);
    };
    while (at + 4 <= body.size()) {
        const std::uint16_t code = u16(at), length = u16(at + 2);
        if (code == 0) {
            if (length != 0) return "opt_endofopt with length " + std::to_string(length);
            if (at + 4 != body.size())
                return "bytes after opt_endofopt at offset " + std::to_string(at);
            return "";
        }
        at += 4 + (length + 3u) / 4 * 4;
    }
    return "no opt_endofopt: the list stops at offset " + std::to_string(at);
}

}  // namespace twinos::test
