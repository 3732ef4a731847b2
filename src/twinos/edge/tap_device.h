// SPDX-License-Identifier: MIT
// TapDevice: a host TAP device, the far end of the simulated wire on a real host.
// An edge adapter: outside the machine; the live wire (live_wire.h) uses it.
//
// A TAP device is a virtual Ethernet interface of the host kernel whose
// other side is a file descriptor: every frame the host sends out of the
// interface can be read from the descriptor, one frame per read, and every
// frame written to the descriptor arrives at the host as if from a wire.
// `open` attaches to one by name (`/dev/net/tun`, `IFF_TAP | IFF_NO_PI`: no
// packet-information header, the bytes are the frame), or creates it.
//
// Every way this can fail says what to do: no TUN/TAP driver, no such
// device, not a TAP device, in use by another process, no permission (root
// or CAP_NET_ADMIN), and the device vanishing mid-run (`read`/`write` throw).
//
// Chapter: chapters/03-nic.rst.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

namespace twinos::edge {

/// Why a TAP device cannot be opened or used: names the device and the fix.
class TapError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// An open TAP device (moves, never copies; closes on destruction).
class TapDevice {
public:
    /// The largest frame read: an Ethernet frame with a VLAN tag, no FCS.
    static constexpr std::size_t kMaxFrameBytes = 1518;

    /// Attach to the TAP device `name`, or with `create` make it (not
    /// persistent: it goes when the run ends) and bring it up.
    /// @throws TapError naming the device and what to do.
    static TapDevice open(const std::string& name, bool create);
    /// Use `fd` as a TAP device's descriptor: one frame per read and write
    /// (a SOCK_SEQPACKET socket pair behaves so, for tests). Takes it over.
    static TapDevice adopt(int fd, std::string name);

    /// Take over `other`'s descriptor; `other` holds none after.
    TapDevice(TapDevice&& other) noexcept;
    /// Close ours, then take over `other`'s descriptor.
    TapDevice& operator=(TapDevice&& other) noexcept;
    TapDevice(const TapDevice&) = delete;
    TapDevice& operator=(const TapDevice&) = delete;
    ~TapDevice();

    /// The interface's name.
    const std::string& name() const { return name_; }
    /// The descriptor, for poll(2).
    int fd() const { return fd_; }
    /// The host kernel's count of frames it dropped sending into the device
    /// (sysfs `statistics/tx_dropped`): what a host sending faster than the
    /// wire loses before the wire. Nothing for an adopted descriptor or a
    /// device that is gone.
    std::optional<std::uint64_t> host_tx_dropped() const;

    /// Read one waiting frame into `buffer`. @return its length, or nothing
    /// when no frame is waiting. @throws TapError when the device is gone.
    std::optional<std::size_t> read(std::span<std::byte> buffer);
    /// Write one frame. @return false when the host's queue is full and the
    /// frame was dropped (the caller counts it). @throws TapError when the
    /// device is gone.
    bool write(std::span<const std::byte> frame);

private:
    TapDevice(int fd, std::string name, bool is_tap)
        : fd_(fd), name_(std::move(name)), is_tap_(is_tap) {}
    [[noreturn]] void vanished(const char* doing, int error) const;
    int fd_ = -1;
    std::string name_;
    bool is_tap_ = false;  // a real TAP device, with the host's counters
};

}  // namespace twinos::edge
