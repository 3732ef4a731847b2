// SPDX-License-Identifier: MIT
// Chapter 2 tests: the port-I/O routing matrix -- owner, trapped, faulting.
#include <gtest/gtest.h>

#include "test_machine.h"
#include "twinos/machine/config_error.h"

namespace twinos::test {
namespace {

using namespace twinos::machine;

// A trap handler standing in for chapter 4's pseudo NIC.
class RecordingTrap : public PortHandler {
public:
    std::uint32_t port_in(Port port, IoWidth) override {
        ++ins;
        return 0x1000u + port.value();
    }
    void port_out(Port, IoWidth, std::uint32_t value) override { last_out = value; }
    int ins = 0;
    std::uint32_t last_out = 0;
};

class PortBusTest : public ::testing::Test {
protected:
    Machine m{probe_config(), probe_factory()};
    PortBus& bus = m.ports();
    ProbeDevice& dev_p = probe(m, "probe_p");
};

TEST_F(PortBusTest, OwnerReachesItsDevice) {
    PortIo io(bus, OsId::Preceding);
    io.out16(Port{0x104}, 0xbeef);
    EXPECT_EQ(io.in32(Port{0x108}), 0xA5A5A5A5u);
    ASSERT_EQ(dev_p.writes.size(), 1u);
    EXPECT_EQ(dev_p.writes[0], (std::pair<std::uint16_t, std::uint32_t>{0x104, 0xbeef}));
    EXPECT_EQ(dev_p.reads, (std::vector<std::uint16_t>{0x108}));
    EXPECT_EQ(bus.counters(OsId::Preceding).direct, 2u);
    EXPECT_EQ(bus.counters(OsId::Preceding).faults, 0u);
}

TEST_F(PortBusTest, NonOwnerWithoutATrapFaultsAndTheDeviceSeesNothing) {
    PortIo io(bus, OsId::Coexisting);
    try {
        io.out8(Port{0x100}, 1);
        FAIL() << "a non-owner's out reached the device";
    } catch (const IoFault& f) {
        EXPECT_EQ(f.who(), OsId::Coexisting);
        EXPECT_EQ(f.port(), Port{0x100});
        EXPECT_NE(std::string(f.what()).find("belongs to the preceding OS"), std::string::npos);
    }
    EXPECT_THROW(io.in8(Port{0x10f}), IoFault);
    EXPECT_TRUE(dev_p.writes.empty());
    EXPECT_TRUE(dev_p.reads.empty());
    EXPECT_EQ(bus.counters(OsId::Coexisting).faults, 2u);
    EXPECT_EQ(bus.counters(OsId::Coexisting).direct, 0u);
}

TEST_F(PortBusTest, NonOwnerWithATrapReachesTheTrapNotTheDevice) {
    RecordingTrap trap;
    bus.install_trap("pseudo", PortRange{Port{0x100}, 16}, OsId::Coexisting, trap);
    PortIo io(bus, OsId::Coexisting);
    EXPECT_EQ(io.in16(Port{0x10e}), 0x110eu);
    io.out32(Port{0x100}, 0x12345678);
    EXPECT_EQ(trap.ins, 1);
    EXPECT_EQ(trap.last_out, 0x12345678u);
    EXPECT_TRUE(dev_p.writes.empty());
    EXPECT_EQ(bus.counters(OsId::Coexisting).trapped, 2u);
    // The owner still goes straight to the device.
    PortIo owner(bus, OsId::Preceding);
    owner.out8(Port{0x100}, 7);
    EXPECT_EQ(dev_p.writes.size(), 1u);
    EXPECT_EQ(trap.last_out, 0x12345678u);
}

TEST_F(PortBusTest, RemovingTheTrapMakesAccessesFaultAgain) {
    RecordingTrap trap;
    bus.install_trap("pseudo", PortRange{Port{0x100}, 16}, OsId::Coexisting, trap);
    EXPECT_TRUE(bus.remove_trap("pseudo"));
    EXPECT_FALSE(bus.remove_trap("pseudo"));
    EXPECT_THROW(bus.in(OsId::Coexisting, Port{0x100}, IoWidth::Byte), IoFault);
}

TEST_F(PortBusTest, PortNoDeviceDecodesFaultsForEveryOs) {
    EXPECT_THROW(bus.in(OsId::Preceding, Port{0x500}, IoWidth::Byte), IoFault);
    EXPECT_THROW(bus.out(OsId::Coexisting, Port{0x500}, IoWidth::Word, 0), IoFault);
    EXPECT_EQ(bus.counters(OsId::Preceding).faults, 1u);
    EXPECT_EQ(bus.counters(OsId::Coexisting).faults, 1u);
}

TEST_F(PortBusTest, AccessRunningPastTheEndOfTheDeviceFaults) {
    // 0x10e is the device's second-last port: a byte and a word fit, a dword does not.
    EXPECT_NO_THROW(bus.in(OsId::Preceding, Port{0x10e}, IoWidth::Word));
    EXPECT_THROW(bus.in(OsId::Preceding, Port{0x10e}, IoWidth::Dword), IoFault);
    EXPECT_NO_THROW(bus.in(OsId::Preceding, Port{0x10f}, IoWidth::Byte));
    EXPECT_THROW(bus.in(OsId::Preceding, Port{0x10f}, IoWidth::Word), IoFault);
}

// The route remembered for the next access (PortBus::route) must not carry
// an access that starts below the device, even one whose last bytes reach
// into it: each of these is searched, and faults as no device's.
TEST_F(PortBusTest, AnAccessJustBelowARememberedRouteIsSearchedAndFaults) {
    PortIo io(bus, OsId::Preceding);
    io.out8(Port{0x100}, 1);  // the route to probe_p is remembered
    for (std::uint16_t below = 0xfc; below <= 0xff; ++below) {
        SCOPED_TRACE(below);
        EXPECT_THROW(bus.in(OsId::Preceding, Port{below}, IoWidth::Dword), IoFault);
        EXPECT_THROW(bus.out(OsId::Preceding, Port{below}, IoWidth::Byte, 2), IoFault);
    }
    EXPECT_EQ(bus.counters(OsId::Preceding).direct, 1u);
    EXPECT_EQ(bus.counters(OsId::Preceding).faults, 8u);
    EXPECT_EQ(dev_p.writes.size(), 1u);
    EXPECT_TRUE(dev_p.reads.empty());
}

TEST_F(PortBusTest, ATrapForTheOwnerIsRefused) {
    RecordingTrap trap;
    EXPECT_THROW(bus.install_trap("bad", PortRange{Port{0x100}, 4}, OsId::Preceding, trap),
                 ConfigError);
}

TEST_F(PortBusTest, OverlappingTrapsForTheSameOsAreRefused) {
    RecordingTrap a, b;
    bus.install_trap("a", PortRange{Port{0x100}, 8}, OsId::Coexisting, a);
    EXPECT_THROW(bus.install_trap("b", PortRange{Port{0x107}, 8}, OsId::Coexisting, b),
                 ConfigError);
}

TEST_F(PortBusTest, AttachingOverlappingPortsIsRefused) {
    ProbeDevice& dev_c = probe(m, "probe_c");
    EXPECT_THROW(bus.attach("late", PortRange{Port{0x20f}, 2}, OsId::Preceding, dev_c),
                 ConfigError);
}

TEST_F(PortBusTest, IoIsTracedWithItsRoute) {
    m.trace().set_mask(static_cast<std::uint32_t>(TraceFlag::Io));
    m.trace().keep_lines(true);
    bus.out(OsId::Preceding, Port{0x100}, IoWidth::Word, 0x6c00);
    EXPECT_THROW(bus.in(OsId::Coexisting, Port{0x100}, IoWidth::Word), IoFault);
    ASSERT_EQ(m.trace().lines().size(), 2u);
    EXPECT_NE(m.trace().lines()[0].find("preceding out16 0x0100 <- 0x6c00 (probe_p)"),
              std::string::npos);
    EXPECT_NE(m.trace().lines()[1].find("coexisting in16 0x0100 FAULT"), std::string::npos);
}

}  // namespace
}  // namespace twinos::test
