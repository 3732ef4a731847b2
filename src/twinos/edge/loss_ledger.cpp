// SPDX-License-Identifier: MIT
// LossLedger: the receive stages, the checks, and the table.
#include "twinos/edge/loss_ledger.h"

#include <cstdio>

#include "twinos/machine/nic_3c905.h"

namespace twinos::edge {

using namespace twinos::machine;

std::uint64_t LedgerStage::lost() const {
    std::uint64_t n = 0;
    for (const LedgerItem& i : away) n += i.lost ? i.frames : 0;
    return n;
}

bool LedgerStage::balanced() const {
    std::uint64_t went = out;
    for (const LedgerItem& i : away) went += i.frames;
    return went == in;
}

void LossLedger::expect_equal(const std::string& what, std::uint64_t a, std::uint64_t b) {
    if (a != b) {
        mismatches_.push_back(what + ": " + std::to_string(a) + " != " + std::to_string(b));
    }
}

std::vector<std::string> LossLedger::problems() const {
    std::vector<std::string> out = mismatches_;
    for (const LedgerStage& s : stages_) {
        if (s.balanced()) continue;
        std::string line =
            s.name + ": in=" + std::to_string(s.in) + " but out=" + std::to_string(s.out);
        for (const LedgerItem& i : s.away) line += " + " + i.key + "=" + std::to_string(i.frames);
        out.push_back(line);
    }
    return out;
}

std::uint64_t LossLedger::lost() const {
    std::uint64_t n = 0;
    for (const LedgerStage& s : stages_) n += s.lost();
    return n;
}

const LedgerStage* LossLedger::stage(const std::string& key) const {
    for (const LedgerStage& s : stages_) {
        if (s.key == key) return &s;
    }
    return nullptr;
}

std::string LossLedger::table() const {
    std::string out = "ledger  stage                      in         out        lost  why\n";
    char line[256];
    for (const LedgerStage& s : stages_) {
        std::string why;
        for (const LedgerItem& i : s.away) {
            if (i.frames == 0) continue;
            why += (why.empty() ? "" : ", ") + i.key + " " + std::to_string(i.frames);
        }
        std::snprintf(line, sizeof line, "ledger  %-18s %10llu  %10llu  %10llu", s.name.c_str(),
                      static_cast<unsigned long long>(s.in), static_cast<unsigned long long>(s.out),
                      static_cast<unsigned long long>(s.lost()));
        out += line + (why.empty() ? "" : "  " + why) + "\n";
    }
    return out;
}

std::string LossLedger::json_members() const {
    std::string out;
    auto member = [&](const std::string& name, std::uint64_t v) {
        out += (out.empty() ? "" : ",\n") + std::string("  \"") + name + "\": " + std::to_string(v);
    };
    for (const LedgerStage& s : stages_) {
        member(s.key + "_in", s.in);
        member(s.key + "_out", s.out);
        for (const LedgerItem& i : s.away) member(s.key + "_" + i.key, i.frames);
    }
    return out;
}

// [twinos:receive-ledger]
LossLedger receive_ledger(os::TwinOs& twin, std::int64_t published) {
    Machine& m = twin.machine();
    LossLedger ledger;
    const std::uint64_t wire = m.link().counters().to_nic;
    NicCounters card;
    for (const DeviceAssignment& d : m.config().devices) {
        if (const NicCounters* c = m.nic_counters(d.name)) card = *c;
    }
    const std::uint64_t into_upds = card.rx_uploaded + card.rx_errors;
    ledger.add({"wire",
                "wire -> card",
                wire,
                into_upds,
                {{"overrun", "the card's FIFO was full", card.rx_overruns, true,
                  "the default --pace hold, or a lower --speed"},
                 {"filtered", "not for this station", card.rx_filtered, false, ""},
                 {"receiver_off", "the receiver was off", card.rx_disabled, true, ""},
                 {"discarded", "thrown out of the FIFO by a reset", card.rx_discarded, true, ""},
                 {"in_fifo", "still in the card's FIFO", card.rx_in_fifo, true, ""}}});
    os::Driver3c905x* driver = twin.nic_driver(OsId::Coexisting);
    const os::DriverStats stats = driver ? driver->stats() : os::DriverStats{};
    const std::uint64_t waiting = driver ? driver->rx_waiting() : 0;
    // Behind the pseudo NIC a completed shadow reaches the driver only when
    // step (A) publishes it; what it has not published yet still waits.
    const std::uint64_t unpublished =
        published < 0 ? 0 : into_upds - std::min<std::uint64_t>(into_upds, published);
    ledger.add({"driver",
                "card -> driver",
                into_upds,
                stats.rx_packets,
                {{"length_error", "longer than the driver's buffer", stats.rx_length_errors, true,
                  "--rx-buffer 8191"},
                 {"other_error", "completed with another error",
                  stats.rx_errors - stats.rx_length_errors, true, ""},
                 {"waiting", "not taken by the driver yet", waiting + unpublished, true, ""}}});
    return ledger;
}
// [/twinos:receive-ledger]

}  // namespace twinos::edge
