// SPDX-License-Identifier: MIT
// Implant: an intruder inside the co-existing OS, doing what intruders do.
// OS code: it runs in the co-existing OS's kernel with everything that gives.
//
// The paper's benefit 1 (§1, §2.3.1): an intruder who owns an OS can alter
// what that OS logs; a monitor outside it keeps a true record and cannot be
// found or touched. The implant plays the intruder, in five phases that
// start at a time its seed picks:
//   1. exfiltrate: send frames to an outside host over a protocol and port
//      the seed picks (UDP, ICMP echo payloads, or TCP-looking segments);
//      the OS's own capture sees these;
//   2. hide: hook the stack's packet taps (as a rootkit hooks the packet
//      socket path) so its frames never reach the OS's captures; send more;
//   3. rewrite the OS's capture file to remove the frames of phase 1;
//   4. flood: frames as fast as the driver takes them, to bury the rest
//      and overrun the monitor's log;
//   5. hunt for the monitor: map the preceding OS's memory, read past its
//      partition, write a port that is not its own, program descriptors that
//      point the card's DMA into the preceding OS's memory (the monitor's
//      log stands there), straddle the boundary or loop, and reset the card
//      -- each attempt reported to an observer outside.
// It also measures what a guest can measure: the time one I/O instruction
// to the card takes, by the time-stamp counter (chapter 8: how hidden is
// hidden).
//
// Chapter: chapters/08-intruder.rst.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "twinos/net/packet.h"
#include "twinos/os/guest_capture.h"
#include "twinos/os/kernel.h"

namespace twinos::os {

/// How the implant sends its data out.
enum class ExfilKind : std::uint8_t {
    Udp,   ///< UDP datagrams to the chosen port.
    Icmp,  ///< The data as ICMP echo request payloads (the port is the echo identifier).
    Tcp,   ///< TCP-looking segments (PSH|ACK, no handshake) to the chosen port.
};

/// The protocol's name: `udp`, `icmp`, `tcp`.
const char* to_string(ExfilKind kind);

/// What one implant does, all chosen by its seed.
struct ImplantPlan {
    std::uint64_t seed = 0;           ///< Where the choices came from.
    ExfilKind kind = ExfilKind::Udp;  ///< The protocol.
    std::uint16_t port = 0;           ///< The destination port (or ICMP identifier).
    std::uint32_t peer_ip = 0;        ///< The outside host (host byte order).
    net::MacAddress peer_mac{};       ///< Its station address (a router's, say).
    std::uint32_t visible = 3;        ///< Phase 1 frames: seen, then erased.
    std::uint32_t hidden = 8;         ///< Phase 2 frames: never seen by the OS.
    std::uint32_t flood = 64;         ///< Phase 4 frames (full size).
    bool hunt = true;                 ///< Phase 5 at all (a test compares runs without it).
    std::uint32_t payload_bytes = 0;  ///< Data bytes per frame of phases 1 and 2.
    machine::Ticks start{0};          ///< When phase 1 begins.
    /// The physical address the hunt aims the card at: the implant is given
    /// the best knowledge an intruder could have, where the monitor keeps
    /// memory (in the scenario, a canary in the preceding OS).
    machine::PhysAddr target{0};

    /// The plan for `seed`, starting at or after `earliest`, aiming at `target`.
    static ImplantPlan from_seed(std::uint64_t seed, machine::Ticks earliest,
                                 machine::PhysAddr target);
};

/// One attempt of the hunt and what became of it.
struct HuntAttempt {
    std::string what;     ///< What the implant tried.
    std::string outcome;  ///< What happened (as the observer outside saw it).
};

/// The intruder.
class Implant {
public:
    /// Called after each hunt attempt with what was tried and what the guest
    /// saw of it; returns the outcome as seen from outside the guest.
    using Observer = std::function<std::string(const std::string& what, const std::string& seen)>;

    /// An implant in `kernel` that will falsify `capture` (may be nullptr).
    Implant(Kernel& kernel, GuestCapture* capture, ImplantPlan plan, Observer observer = {});

    /// Schedule the five phases. @pre the kernel has booted and its NIC is up.
    void start();
    /// Schedule only the measurement (on a machine where the hunt would
    /// really reach the other OS: the original configuration has no pseudo NIC).
    void start_measuring_only();

    /// The plan.
    const ImplantPlan& plan() const { return plan_; }
    /// True once the last phase is over.
    bool finished() const { return finished_; }
    /// Every frame it gave to the device, in order (what the card should send).
    const std::vector<std::vector<std::byte>>& sent() const { return sent_; }
    /// The phase each frame of `sent()` was sent in: 1, 2 or 4.
    const std::vector<int>& sent_phases() const { return sent_phases_; }
    /// Frames the driver would not queue (the flood outrunning the wire).
    std::uint32_t refused() const { return refused_; }
    /// The hunt, attempt by attempt.
    const std::vector<HuntAttempt>& hunts() const { return hunts_; }
    /// Records erased from the guest's capture in phase 3.
    std::size_t erased() const { return erased_; }
    /// The time one read of the card's status register took, as measured
    /// inside the guest by the time-stamp counter (mean of 64).
    machine::Ticks io_time() const { return io_time_; }
    /// True when `frame` is one of the implant's (to or from its peer).
    bool is_ours(std::span<const std::byte> frame) const;

private:
    void exfiltrate(std::uint32_t first, std::uint32_t count);
    void measure_io();
    void hide();
    void rewrite_capture();
    void hunt();
    void flood(std::uint32_t left);
    void send(const std::vector<std::byte>& frame);
    std::vector<std::byte> frame_for(std::uint32_t sequence, std::size_t data_bytes) const;
    void attempt(const std::string& what, const std::function<std::string()>& act);
    machine::Port card_port(std::uint32_t offset) const;

    Kernel& kernel_;
    GuestCapture* capture_;
    ImplantPlan plan_;
    Observer observer_;
    std::vector<std::vector<std::byte>> sent_;
    std::vector<int> sent_phases_;
    int phase_ = 1;
    std::uint32_t refused_ = 0;
    std::vector<HuntAttempt> hunts_;
    std::size_t erased_ = 0;
    machine::Ticks io_time_{0};
    bool finished_ = false;
};

}  // namespace twinos::os
