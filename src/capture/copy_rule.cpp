// SPDX-License-Identifier: MIT
// Copy rules: validation, slice clamping, and the bytes of the system call.
#include "capture/copy_rule.h"

#include <algorithm>

namespace capture {

namespace {
constexpr std::uint32_t kTableMagic = 0x54525754;  // "TWRT"

void put32(std::vector<std::byte>& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(std::byte(v >> (8 * i)));
}
bool get32(std::span<const std::byte> in, std::size_t& at, std::uint32_t& v) {
    if (at + 4 > in.size()) return false;
    v = 0;
    for (int i = 3; i >= 0; --i) v = v << 8 | std::to_integer<std::uint32_t>(in[at + i]);
    at += 4;
    return true;
}
}  // namespace

RuleTable default_rules() { return {CopyRule{}}; }

std::string RuleError::message(const RuleTable& table) const {
    return "rule " + std::to_string(rule + 1) + " (id " + std::to_string(table[rule].id) +
           "), instruction " + std::to_string(error.index) + ": " + error.reason;
}

std::optional<RuleError> validate_rules(const RuleTable& table) {
    for (std::size_t r = 0; r < table.size(); ++r) {
        if (table[r].filter.empty()) continue;
        if (auto e = bpf::validate(table[r].filter)) return RuleError{r, *e};
    }
    return std::nullopt;
}

std::vector<std::byte> serialize_rules(const RuleTable& table) {
    std::vector<std::byte> out;
    put32(out, kTableMagic);
    put32(out, static_cast<std::uint32_t>(table.size()));
    for (const CopyRule& r : table) {
        put32(out, r.id);
        put32(out, r.offset);
        put32(out, r.size);
        put32(out, static_cast<std::uint32_t>(r.filter.size()));
        for (const bpf::Insn& i : r.filter) {
            put32(out,
                  std::uint32_t{i.code} | std::uint32_t{i.jt} << 16 | std::uint32_t{i.jf} << 24);
            put32(out, i.k);
        }
    }
    return out;
}

// A bound on what the parser reads per rule, well above the kernel's 4096:
// a longer program parses, and the validator then refuses it with its own
// message ("more than 4096 instructions") instead of "malformed".
constexpr std::uint32_t kMaxParsedInstructions = 16384;

std::optional<RuleTable> parse_rules(std::span<const std::byte> in) {
    std::size_t at = 0;
    std::uint32_t magic, count;
    if (!get32(in, at, magic) || magic != kTableMagic || !get32(in, at, count) || count > 256) {
        return std::nullopt;
    }
    RuleTable table;
    for (std::uint32_t r = 0; r < count; ++r) {
        std::uint32_t id, offset, size, n;
        if (!get32(in, at, id) || !get32(in, at, offset) || !get32(in, at, size) ||
            !get32(in, at, n) || id > 255 || n > kMaxParsedInstructions) {
            return std::nullopt;
        }
        CopyRule rule{static_cast<std::uint8_t>(id), {}, offset, size};
        for (std::uint32_t i = 0; i < n; ++i) {
            std::uint32_t word, k;
            if (!get32(in, at, word) || !get32(in, at, k)) return std::nullopt;
            rule.filter.push_back({static_cast<std::uint16_t>(word),
                                   static_cast<std::uint8_t>(word >> 16),
                                   static_cast<std::uint8_t>(word >> 24), k});
        }
        table.push_back(std::move(rule));
    }
    return at == in.size() ? std::optional<RuleTable>(std::move(table)) : std::nullopt;
}

}  // namespace capture
