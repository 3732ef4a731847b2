// SPDX-License-Identifier: MIT
// Test helpers for chapter 3: the original machine, booted, with its driver up.
//
// `DriverBench` boots a TwinOs in the paper's "original" configuration (the
// co-existing OS owns the 3c905 directly), keeps every frame the co-existing
// OS's network input receives, and lets a test put frames on the wire.
#pragma once

#include <vector>

#include "nic_bench.h"
#include "twinos/twin_os.h"

namespace twinos::test {

class DriverBench {
public:
    explicit DriverBench(os::DriverOptions driver = {}) {
        os::TwinOsOptions options;
        options.nic_driver = driver;
        twin_ = std::make_unique<os::TwinOs>(MachineConfig::original(32ull << 20), options);
        twin_->machine().link().add_sink(sent);
        twin_->boot();
        twin_->run_until(milliseconds(1));  // both kernels up, driver open
        coexisting().net().add_tap(
            [this](std::span<const std::byte> f) { received.emplace_back(f.begin(), f.end()); });
    }

    os::TwinOs& twin() { return *twin_; }
    Machine& machine() { return twin_->machine(); }
    os::Kernel& coexisting() { return twin_->kernel(OsId::Coexisting); }
    os::Driver3c905x& driver() { return *twin_->nic_driver(OsId::Coexisting); }
    Nic3c905& nic() { return *dynamic_cast<Nic3c905*>(machine().device("nic0")); }
    net::MacAddress mac() const { return twin_->nic_driver(OsId::Coexisting)->mac(); }

    /// `frame` arrives `after` from now; nothing runs yet.
    void send_in(Ticks after, std::vector<std::byte> frame) {
        machine().link().inject(machine().clock().now() + after, WireFrame{std::move(frame), 0});
    }
    void run_for(Ticks span) { twin_->run_until(machine().clock().now() + span); }

    std::vector<std::vector<std::byte>> received;  // what network input got
    Recorder sent;                                 // what the NIC transmitted

private:
    std::unique_ptr<os::TwinOs> twin_;
};

}  // namespace twinos::test
