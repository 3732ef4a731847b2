// SPDX-License-Identifier: MIT
// Command-line units: strict parsing with column-accurate errors.
#include "twinos/cli/units.h"

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <limits>
#include <stdexcept>
#include <string>

#include "twinos/edge/server_host.h"

namespace twinos::cli {

namespace {

[[noreturn]] void fail(std::string_view text, std::size_t column, const std::string& why) {
    throw std::invalid_argument("'" + std::string(text) + "' at column " +
                                std::to_string(column + 1) + ": " + why);
}

// Read an unsigned number (decimal, or hex after 0x) starting at `pos`.
std::uint64_t read_number(std::string_view text, std::size_t& pos) {
    int base = 10;
    if (text.substr(pos, 2) == "0x" || text.substr(pos, 2) == "0X") {
        base = 16;
        pos += 2;
    }
    const std::size_t start = pos;
    std::uint64_t value = 0;
    while (pos < text.size()) {
        char c = text[pos];
        int digit;
        if (c >= '0' && c <= '9') {
            digit = c - '0';
        } else if (base == 16 && c >= 'a' && c <= 'f') {
            digit = c - 'a' + 10;
        } else if (base == 16 && c >= 'A' && c <= 'F') {
            digit = c - 'A' + 10;
        } else {
            break;
        }
        if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / base) {
            fail(text, start, "number too large");
        }
        value = value * base + digit;
        ++pos;
    }
    if (pos == start) fail(text, start, "expected a number");
    return value;
}

std::uint64_t scaled(std::string_view text, std::size_t column, std::uint64_t value,
                     std::uint64_t unit) {
    if (unit != 0 && value > std::numeric_limits<std::uint64_t>::max() / unit) {
        fail(text, column, "value too large");
    }
    return value * unit;
}

// One unit a number may carry, and what it multiplies by.
struct Unit {
    std::string_view name;
    std::uint64_t multiplier;
};

// A number followed by one of `units`; `hint` completes the error message.
std::uint64_t parse_with_unit(std::string_view text, std::initializer_list<Unit> units,
                              std::string_view kind, std::string_view hint) {
    std::size_t pos = 0;
    const std::uint64_t value = read_number(text, pos);
    const std::string_view unit = text.substr(pos);
    for (const Unit& u : units) {
        if (u.name == unit) return scaled(text, pos, value, u.multiplier);
    }
    if (unit.empty()) fail(text, pos, "missing unit (" + std::string(hint) + ")");
    fail(text, pos,
         "unknown " + std::string(kind) + " unit '" + std::string(unit) + "' (" +
             std::string(hint) + ")");
}

}  // namespace

std::uint64_t parse_size(std::string_view text) {
    return parse_with_unit(text,
                           {{"", 1},
                            {"B", 1},
                            {"K", 1ull << 10},
                            {"KiB", 1ull << 10},
                            {"M", 1ull << 20},
                            {"MiB", 1ull << 20},
                            {"G", 1ull << 30},
                            {"GiB", 1ull << 30}},
                           "size", "use K, M or G");
}

machine::Ticks parse_duration(std::string_view text) {
    const std::uint64_t ns = parse_with_unit(
        text, {{"ns", 1}, {"us", 1000}, {"ms", 1000 * 1000}, {"s", 1000 * 1000 * 1000}}, "time",
        "use ns, us, ms or s");
    if (ns > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        fail(text, 0, "duration too long");
    }
    return machine::Ticks{static_cast<std::int64_t>(ns)};
}

machine::Partition parse_partition(std::string_view text, machine::OsId owner) {
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos) fail(text, text.size(), "expected BASE:SIZE");
    machine::Partition p;
    p.owner = owner;
    try {
        p.base = machine::PhysAddr{parse_size(text.substr(0, colon))};
    } catch (const std::invalid_argument& e) {
        fail(text, 0, std::string("base: ") + e.what());
    }
    try {
        p.size_bytes = parse_size(text.substr(colon + 1));
    } catch (const std::invalid_argument& e) {
        fail(text, colon + 1, std::string("size: ") + e.what());
    }
    return p;
}

std::vector<std::uint32_t> parse_frame_sizes(std::string_view option, std::string_view text) {
    std::vector<std::uint32_t> sizes;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find(',', start), text.size());
        std::uint32_t v = 0;
        auto [p, ec] = std::from_chars(text.data() + start, text.data() + end, v);
        if (ec != std::errc() || p != text.data() + end || v < edge::kMinReplyFrame ||
            v > edge::kMaxReplyFrame) {
            throw std::invalid_argument(std::string(option) + ": '" + std::string(text) +
                                        "' at column " + std::to_string(start + 1) +
                                        ": frame sizes are " +
                                        std::to_string(edge::kMinReplyFrame) + ".." +
                                        std::to_string(edge::kMaxReplyFrame) + " bytes");
        }
        sizes.push_back(v);
        start = end + 1;
    }
    return sizes;
}

std::uint64_t parse_bit_rate(std::string_view option, std::string_view text) {
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    std::uint64_t scale = 1;
    const std::string_view unit = text.substr(static_cast<std::size_t>(p - text.data()));
    if (unit == "k" || unit == "K") scale = 1'000;
    if (unit == "M") scale = 1'000'000;
    if (unit == "G") scale = 1'000'000'000;
    const bool unit_ok = unit.empty() || scale != 1;
    if (ec != std::errc() || !unit_ok || v == 0 || v > 100'000'000'000ull / scale) {
        throw std::invalid_argument(std::string(option) + ": '" + std::string(text) +
                                    "' is not a link speed such as 100M or 1G (bit/s, at most "
                                    "100G)");
    }
    return v * scale;
}

}  // namespace twinos::cli
