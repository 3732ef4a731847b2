// SPDX-License-Identifier: MIT
// The pcapng numbers the writer uses: option codes and the link type, and
// little-endian option values. Shared by the block helpers (pcapng_blocks.cpp)
// and the packet and statistics blocks (pcapng_writer.cpp, lab 6).
//
// Facts: chapters/appendix-facts.rst, "pcapng". Chapter: chapters/06-monitor-ap.rst.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace monitor::pcapng {

// [monitor:pcapng-codes]
/// Option codes (draft-ietf-opsawg-pcapng): the end of a block's options,
/// then per block type the ones we write.
inline constexpr std::uint16_t kEndOfOptions = 0;
inline constexpr std::uint16_t kShbUserAppl = 4;       ///< SHB: the writing application.
inline constexpr std::uint16_t kIfName = 2;            ///< IDB: the interface's name.
inline constexpr std::uint16_t kIfTsresol = 9;         ///< IDB: timestamp resolution.
inline constexpr std::uint16_t kEpbFlags = 2;          ///< EPB: direction (bits 0-1).
inline constexpr std::uint16_t kEpbDropCount = 4;      ///< EPB: packets lost just before.
inline constexpr std::uint16_t kIsbEndTime = 3;        ///< ISB: the last packet's time.
inline constexpr std::uint16_t kIsbIfRecv = 4;         ///< ISB: frames the interface received.
inline constexpr std::uint16_t kIsbIfDrop = 5;         ///< ISB: frames the interface dropped.
inline constexpr std::uint16_t kIsbFilterAccept = 6;   ///< ISB: packets a rule accepted.
inline constexpr std::uint16_t kIsbOsDrop = 7;         ///< ISB: packets lost in the log area.
inline constexpr std::uint16_t kLinktypeEthernet = 1;  ///< IDB link type.
// [/monitor:pcapng-codes]

/// An integer option value, little-endian like every field we write.
template <typename T>
std::array<std::byte, sizeof(T)> le(T v) {
    std::array<std::byte, sizeof(T)> out;
    for (std::size_t i = 0; i < sizeof(T); ++i)
        out[i] = std::byte(static_cast<std::uint64_t>(v) >> (8 * i));
    return out;
}

/// The bytes of a C string, without its terminator (a string option's value).
inline std::span<const std::byte> bytes_of(const char* s) {
    return {reinterpret_cast<const std::byte*>(s), std::strlen(s)};
}

}  // namespace monitor::pcapng
