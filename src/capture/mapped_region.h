// SPDX-License-Identifier: MIT
// MappedRegion: a virtual range of an address space, resolved once for fast access.
// Part of the packet acquisition part (preceding OS kernel).
//
// The log area is the monitor AP's memory, reached through the mappings
// copied into the receive-processing address space (solution 2). Walking
// the page table for every byte of every copy would make step (A) slow, so
// at start-up the range is translated page by page once -- a software TLB --
// and each access afterwards is one or two memcpys. The translation stays
// valid until the stop system call restores the address space, and nothing
// else changes those mappings in between. When the frames behind the range
// happen to be consecutive -- the kernel hands out fresh frames in order --
// the whole range is one host pointer and an access is a single memcpy.
//
// Chapter: chapters/05-packet-acquisition.rst.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <vector>

#include "twinos/machine/address_space.h"
#include "twinos/machine/little_endian.h"

namespace capture {

/// A page-aligned virtual range, translated once.
class MappedRegion {
public:
    MappedRegion() = default;

    /// Translate [start, start + bytes) of `space` for writing.
    /// @return nothing when any page is missing or read-only.
    static std::optional<MappedRegion> map(const twinos::machine::AddressSpace& space,
                                           twinos::machine::PhysicalMemory& memory,
                                           twinos::machine::VirtAddr start, std::uint64_t bytes);

    /// Bytes in the region.
    std::uint64_t size() const { return size_; }

    /// Copy `in` to offset `at`. @pre it fits.
    void write(std::uint64_t at, std::span<const std::byte> in) {
        if (contiguous_ != nullptr) {  // the pages lie in a row: one memcpy
            if (!in.empty()) std::memcpy(contiguous_ + at, in.data(), in.size());
            return;
        }
        if (at % kPage + in.size() <= kPage) {  // within one page: one memcpy
            if (!in.empty()) std::memcpy(pages_[at / kPage] + at % kPage, in.data(), in.size());
            return;
        }
        std::size_t done = 0;
        while (done < in.size()) {
            const std::uint64_t pos = at + done;
            const std::size_t chunk = std::min<std::size_t>(in.size() - done, kPage - pos % kPage);
            std::memcpy(pages_[pos / kPage] + pos % kPage, in.data() + done, chunk);
            done += chunk;
        }
    }
    /// The bytes [at, at + length) in place, when they lie in one host
    /// run (the whole region is contiguous, or they stay in one page);
    /// empty when they cross a page boundary and must be copied with read().
    std::span<const std::byte> view(std::uint64_t at, std::uint64_t length) const {
        return in_one_run(at, length);
    }
    /// The bytes [at, at + length) in place for writing, when they lie in
    /// one host run (as `view`); empty when they cross a page boundary.
    std::span<std::byte> writable(std::uint64_t at, std::uint64_t length) {
        return in_one_run(at, length);
    }
    /// Copy to `out` from offset `at`. @pre it fits.
    void read(std::uint64_t at, std::span<std::byte> out) const {
        if (contiguous_ != nullptr) {
            if (!out.empty()) std::memcpy(out.data(), contiguous_ + at, out.size());
            return;
        }
        if (at % kPage + out.size() <= kPage) {
            if (!out.empty()) std::memcpy(out.data(), pages_[at / kPage] + at % kPage, out.size());
            return;
        }
        std::size_t done = 0;
        while (done < out.size()) {
            const std::uint64_t pos = at + done;
            const std::size_t chunk = std::min<std::size_t>(out.size() - done, kPage - pos % kPage);
            std::memcpy(out.data() + done, pages_[pos / kPage] + pos % kPage, chunk);
            done += chunk;
        }
    }
    /// Copy a fixed-size block (a record header) to offset `at`. @pre it fits.
    template <std::size_t N>
    void write(std::uint64_t at, const std::array<std::byte, N>& in) {
        if (contiguous_ != nullptr) {
            std::memcpy(contiguous_ + at, in.data(), N);  // constant size: inlined
            return;
        }
        write(at, std::span<const std::byte>(in));
    }

    /// Little-endian integer at `at`.
    template <typename T>
    T load(std::uint64_t at) const {
        if (contiguous_ != nullptr) return twinos::machine::load_le<T>(contiguous_ + at);
        std::byte b[sizeof(T)];  // it may cross a page: gather it first
        read(at, b);
        return twinos::machine::load_le<T>(b);
    }
    /// Store `v` little-endian at `at`.
    template <typename T>
    void store(std::uint64_t at, T v) {
        if (contiguous_ != nullptr) {
            twinos::machine::store_le<T>(contiguous_ + at, v);
            return;
        }
        std::byte b[sizeof(T)];
        twinos::machine::store_le<T>(b, v);
        write(at, b);
    }

private:
    static constexpr std::uint64_t kPage = twinos::machine::kPageSize;
    // [at, at + length) where it lies, when that is one host run; empty when
    // it crosses a page boundary of a scattered region.
    std::span<std::byte> in_one_run(std::uint64_t at, std::uint64_t length) const {
        if (contiguous_ != nullptr) return {contiguous_ + at, static_cast<std::size_t>(length)};
        if (at % kPage + length <= kPage) {
            return {pages_[at / kPage] + at % kPage, static_cast<std::size_t>(length)};
        }
        return {};
    }
    std::vector<std::byte*> pages_;
    std::byte* contiguous_ = nullptr;  // set when every page follows the one before
    std::uint64_t size_ = 0;
};

}  // namespace capture
