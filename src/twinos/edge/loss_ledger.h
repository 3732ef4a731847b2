// SPDX-License-Identifier: MIT
// LossLedger: where every frame went, from the wire to the file.
// An edge adapter's report: it reads the counters each layer keeps.
//
// A run ends by accounting for every frame, stage by stage. Each stage has
// what came in, what went on, and where the rest went -- a loss (with the
// option that avoids it) or a frame set aside on purpose (not selected by
// the rules). A stage whose numbers do not add up is a bug in the machine,
// not a loss: `problems()` names it and `twinos run` exits 1 with the
// numbers. The counts come from different places (the link, the card, the
// driver, the pseudo NIC, the acquisition part, the log ring, the AP), so
// a stage that balances is a real check, not arithmetic.
//
// Interface: `LossLedger::add`, `problems()`, `lost()`, `table()`;
// `receive_ledger(twin)`: the stages from the wire to the co-existing OS.
//
// Chapter: chapters/06-monitor-ap.rst.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "twinos/twin_os.h"

namespace twinos::edge {

/// Frames that left a stage other than by going on.
struct LedgerItem {
    std::string key;           ///< Its name in --stats-json (`overrun`).
    std::string why;           ///< What it means (`overrun: the FIFO was full`).
    std::uint64_t frames = 0;  ///< How many.
    bool lost = true;          ///< A loss (else set aside on purpose).
    std::string avoid;         ///< What avoids it, for the warning (may be empty).
};

/// One stage of the path.
struct LedgerStage {
    std::string key;               ///< Its name in --stats-json (`wire`).
    std::string name;              ///< Its name in the table (`wire -> card`).
    std::uint64_t in = 0;          ///< Frames that reached it.
    std::uint64_t out = 0;         ///< Frames it passed on.
    std::vector<LedgerItem> away;  ///< Where the rest went.
    /// Frames lost here.
    std::uint64_t lost() const;
    /// True when in = out + everything that went away.
    bool balanced() const;
};

/// Every stage of one run.
class LossLedger {
public:
    /// Add a stage at the end.
    void add(LedgerStage stage) { stages_.push_back(std::move(stage)); }
    /// Add a stage at the front (what came before the wire: a live host).
    void add_front(LedgerStage stage) { stages_.insert(stages_.begin(), std::move(stage)); }
    /// A check between two counts kept in different places that must agree.
    void expect_equal(const std::string& what, std::uint64_t a, std::uint64_t b);
    /// The stages, in order.
    const std::vector<LedgerStage>& stages() const { return stages_; }
    /// Every stage that does not add up and every failed check, with the numbers.
    std::vector<std::string> problems() const;
    /// Frames lost anywhere.
    std::uint64_t lost() const;
    /// The stage called `key`, or nullptr.
    const LedgerStage* stage(const std::string& key) const;
    /// The table: stage, in, out, lost, why.
    std::string table() const;
    /// Every count as `"stage_item": n` JSON members (no braces).
    std::string json_members() const;

private:
    std::vector<LedgerStage> stages_;
    std::vector<std::string> mismatches_;
};

/// The stages from the wire to the co-existing OS's driver: the card's and
/// the driver's counts (and, behind the pseudo NIC, the frames it published).
/// @param twin the machine, after its run.
/// @param published frames the pseudo NIC handed to the driver, or -1 when
///        the co-existing OS owns the card.
LossLedger receive_ledger(os::TwinOs& twin, std::int64_t published = -1);

}  // namespace twinos::edge
