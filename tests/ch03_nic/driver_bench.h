// SPDX-License-Identifier: MIT
// Test helpers for chapter 3: the original machine, booted, with its driver up.
//
// `DriverBench` boots a TwinOs in the paper's "original" configuration (the
// co-existing OS owns the 3c905 directly), keeps every frame the co-existing
// OS's network input receives, and lets a test put frames on the wire.
// Chapter 4 derives a bench that boots the shared-NIC machine instead.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "nic_bench.h"
#include "twinos/twin_os.h"

namespace twinos::test {

class DriverBench {
public:
    explicit DriverBench(os::DriverOptions driver = {})
        : DriverBench(std::make_shared<os::TwinOs>(MachineConfig::original(32ull << 20),
                                                   options_with(driver))) {}

    /// The options that run the co-existing OS's driver with `driver`.
    static os::TwinOsOptions options_with(os::DriverOptions driver) {
        os::TwinOsOptions options;
        options.nic_driver = driver;
        return options;
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

protected:
    /// Boot `twin` (kept alive by `owner`) and bring its driver up.
    DriverBench(std::shared_ptr<void> owner, os::TwinOs& twin)
        : owner_(std::move(owner)), twin_(&twin) {
        twin_->machine().link().add_sink(sent);
        twin_->boot();
        twin_->run_until(milliseconds(1));  // both kernels up, driver open
        coexisting().net().add_tap(
            [this](std::span<const std::byte> f) { received.emplace_back(f.begin(), f.end()); });
    }

private:
    explicit DriverBench(std::shared_ptr<os::TwinOs> twin) : DriverBench(twin, *twin) {}
    std::shared_ptr<void> owner_;
    os::TwinOs* twin_;
};

/// A test frame of `length` bytes addressed to the bench's own card, so the
/// receive filter passes it.
inline std::vector<std::byte> to_me(const DriverBench& b, std::size_t length, std::uint8_t seed) {
    return test_frame(length, seed, b.mac());
}

/// Queue 20 frames at one instant: the 16-DPD ring takes 16, refuses 4;
/// all 16 reach the wire byte for byte and are reclaimed, after which the
/// ring takes more. Run on the original machine and behind the pseudo NIC.
inline void expect_transmit_reaches_the_wire_and_is_reclaimed(DriverBench& b) {
    std::vector<std::vector<std::byte>> frames;
    for (int i = 0; i < 20; ++i) {
        frames.push_back(test_frame(64 + i, static_cast<std::uint8_t>(i)));
        b.driver().transmit(frames.back());
    }
    EXPECT_EQ(b.driver().stats().tx_queue_full, 4u);
    b.run_for(milliseconds(5));
    ASSERT_EQ(b.sent.kept().size(), 16u);
    for (int i = 0; i < 16; ++i) EXPECT_EQ(b.sent.kept()[i].bytes, frames[i]) << i;
    EXPECT_EQ(b.driver().stats().tx_packets, 16u);
    // Reclaimed: the ring has room again.
    EXPECT_TRUE(b.driver().transmit(frames[16]));
    b.run_for(milliseconds(1));
    EXPECT_EQ(b.sent.kept().back().bytes, frames[16]);
}

}  // namespace twinos::test
