// SPDX-License-Identifier: MIT
// Test helpers for chapter 5: a log ring over real pages, and a capture bench.
#pragma once

#include <memory>
#include <optional>

#include "../ch03_nic/nic_bench.h"
#include "capture/capture_system.h"
#include "capture/log_reader.h"
#include "capture/log_ring.h"

namespace twinos::test {

/// A management page and a `capacity`-byte area in a small memory, mapped
/// page by page in reverse frame order (so the ring is not physically
/// contiguous), with a writer and a reader on them.
class RingFixture {
public:
    explicit RingFixture(std::uint64_t capacity)
        : memory_(4ull << 20),
          space_("test:ap", memory_, {Partition{OsId::Preceding, PhysAddr{0}, 4ull << 20}}) {
        const std::uint64_t pages = 1 + (capacity + kPageSize - 1) / kPageSize;
        for (std::uint64_t i = 0; i < pages; ++i) {
            space_.map(VirtAddr{0x100000 + i * kPageSize}, PhysAddr{(pages - i) * kPageSize},
                       Perm::ReadWrite);
        }
        auto control = capture::MappedRegion::map(space_, memory_, VirtAddr{0x100000}, kPageSize);
        auto area = capture::MappedRegion::map(space_, memory_, VirtAddr{0x101000}, capacity);
        EXPECT_TRUE(control && area) << "ring pages not mapped";
        ring = std::make_unique<capture::LogRing>(*control, *area);
        reader = std::make_unique<capture::LogReader>(*control, *area);
        ring->initialise();
        control_region = control;
        area_region = area;
    }
    std::unique_ptr<capture::LogRing> ring;
    /// The raw regions, for tests that forge what a broken writer leaves.
    std::optional<capture::MappedRegion> control_region, area_region;
    std::unique_ptr<capture::LogReader> reader;

private:
    PhysicalMemory memory_;
    AddressSpace space_;
};

/// The shared-NIC machine with the acquisition part, booted, and a test
/// monitor AP in the preceding OS whose log area is `area_bytes`.
class CaptureBench {
public:
    static constexpr std::uint64_t kControlVa = 0x40000000;
    static constexpr std::uint64_t kAreaVa = 0x40001000;

    explicit CaptureBench(std::uint64_t area_bytes = 1ull << 20, bool init = true,
                          bool promiscuous = false)
        : system(MachineConfig::shared_nic(32ull << 20), options(promiscuous)) {
        system.twin().machine().link().add_sink(sent);
        system.twin().boot();
        system.twin().run_until(milliseconds(1));
        os::Kernel& pre = preceding();
        ap = &pre.spawn("monitor");
        pre.map_new_pages(ap->space, VirtAddr{kControlVa}, 1 + area_bytes / kPageSize,
                          Perm::ReadWrite);
        area_bytes_ = area_bytes;
        if (init) {
            EXPECT_EQ(syscall(capture::Acquisition::kSysInit, {kControlVa, kAreaVa, area_bytes}),
                      0);
        }
        system.twin().kernel(OsId::Coexisting).net().add_tap([this](std::span<const std::byte> f) {
            delivered.emplace_back(f.begin(), f.end());
        });
    }

    static os::TwinOsOptions options(bool promiscuous) {
        os::TwinOsOptions o;
        o.nic_driver.promiscuous = promiscuous;
        return o;
    }
    Machine& machine() { return system.twin().machine(); }
    os::Kernel& preceding() { return system.twin().kernel(OsId::Preceding); }
    capture::Acquisition& acquisition() { return *system.acquisition(); }
    net::MacAddress mac() { return system.twin().nic_driver(OsId::Coexisting)->mac(); }

    /// Issue a system call of the preceding kernel as the AP, with the CPU
    /// in the preceding OS (as a running process would be).
    std::int64_t syscall(std::uint32_t nr, std::vector<std::uint64_t> args) {
        Cpu& cpu = machine().cpu();
        const OsId was = cpu.running();
        if (was != OsId::Preceding) cpu.switch_to(OsId::Preceding, SwitchReason::Timer);
        const std::int64_t r = preceding().syscall(*ap, nr, args);
        if (was != OsId::Preceding) cpu.switch_to(was, SwitchReason::Timer);
        return r;
    }
    /// The AP's reader of its own log area.
    capture::LogReader reader() {
        auto control = capture::MappedRegion::map(ap->space, machine().memory(),
                                                  VirtAddr{kControlVa}, kPageSize);
        auto area = capture::MappedRegion::map(ap->space, machine().memory(), VirtAddr{kAreaVa},
                                               area_bytes_);
        return capture::LogReader(*control, *area);
    }
    /// Install `rules` through the system call; the error text if refused.
    std::string set_rules(const capture::RuleTable& rules) {
        const auto bytes = capture::serialize_rules(rules);
        const std::uint64_t table_va =
            kAreaVa + area_bytes_ - 64 * 1024;  // scratch at the area's end
        ap->space.write(VirtAddr{table_va}, bytes);
        const std::uint64_t err_va = table_va + 60 * 1024;
        const std::int64_t r =
            syscall(capture::Acquisition::kSysSetRules, {table_va, bytes.size(), err_va, 256});
        if (r == 0) return "";
        std::vector<std::byte> text(256);
        ap->space.read(VirtAddr{err_va}, text);
        return std::string(reinterpret_cast<const char*>(text.data()));
    }
    void send_in(Ticks after, std::vector<std::byte> frame) {
        machine().link().inject(machine().clock().now() + after, WireFrame{std::move(frame), 0});
    }
    void run_for(Ticks span) { system.twin().run_until(machine().clock().now() + span); }

    capture::CaptureSystem system;
    os::Process* ap = nullptr;
    std::vector<std::vector<std::byte>> delivered;
    Recorder sent;

private:
    std::uint64_t area_bytes_ = 0;
};

}  // namespace twinos::test
