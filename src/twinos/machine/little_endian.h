// SPDX-License-Identifier: MIT
// Little-endian integers in memory, whatever the host's byte order.
// Part of the simulated machine.
//
// Everything on the PCI bus -- the 3c905's descriptors, its DMA -- is
// little-endian. Both ends (the card model, reading through physical memory,
// and the drivers, reading their own DMA buffers) use load_le32/store_le32:
// one 4-byte move and, on a big-endian host only, a byte swap. The log
// area's record headers (capture/record_format.h) use the same two for
// other widths, load_le<T>/store_le<T>.
//
// Chapter: chapters/03-nic.rst.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace twinos::machine {

/// `v` with its bytes in the other order (what a big-endian host needs).
template <typename T>
T byte_swapped(T v) {
    static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8,
                  "a 1-, 2-, 4- or 8-byte integer");
    if constexpr (sizeof(T) == 1) {
        return v;
    } else if constexpr (sizeof(T) == 2) {
        return static_cast<T>(__builtin_bswap16(v));
    } else if constexpr (sizeof(T) == 4) {
        return static_cast<T>(__builtin_bswap32(v));
    } else {
        return static_cast<T>(__builtin_bswap64(v));
    }
}

/// The little-endian unsigned integer of type T at `bytes`.
template <typename T>
T load_le(const std::byte* bytes) {
    T v;
    std::memcpy(&v, bytes, sizeof v);
    if constexpr (std::endian::native == std::endian::big) v = byte_swapped(v);
    return v;
}

/// Store `value` as a little-endian T at `bytes`.
template <typename T>
void store_le(std::byte* bytes, T value) {
    if constexpr (std::endian::native == std::endian::big) value = byte_swapped(value);
    std::memcpy(bytes, &value, sizeof value);
}

/// The little-endian 32-bit word at `bytes`.
inline std::uint32_t load_le32(const std::byte* bytes) { return load_le<std::uint32_t>(bytes); }

/// Store `value` as a little-endian 32-bit word at `bytes`.
inline void store_le32(std::byte* bytes, std::uint32_t value) {
    store_le<std::uint32_t>(bytes, value);
}

}  // namespace twinos::machine
