// SPDX-License-Identifier: MIT
// TapDevice: attaching to /dev/net/tun, one frame per read and write.
#include "twinos/edge/tap_device.h"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>

namespace twinos::edge {

namespace {

std::string quoted(const std::string& name) { return "TAP device '" + name + "'"; }

// Bring a device we created up: the user only has to give it an address.
void bring_up(const std::string& name) {
    const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return;
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
    if (::ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
        ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
        ::ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    ::close(s);
}

}  // namespace

// [twinos:tap-open]
TapDevice TapDevice::open(const std::string& name, bool create) {
    if (name.empty() || name.size() >= IFNAMSIZ) {
        throw TapError("-i: '" + name + "' is not an interface name (1 to " +
                       std::to_string(IFNAMSIZ - 1) + " characters)");
    }
    // Attaching by name to a device that does not exist would create one:
    // only with --create-tap.
    if (!create && ::if_nametoindex(name.c_str()) == 0) {
        throw TapError("no such " + quoted(name) + ": create it with `ip tuntap add dev " + name +
                       " mode tap` (or pass --create-tap)");
    }
    const int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        const int e = errno;
        throw TapError(std::string("cannot open /dev/net/tun for ") + quoted(name) + ": " +
                       std::strerror(e) +
                       (e == ENOENT ? " (no TUN/TAP driver: `modprobe tun`)" : "") +
                       (e == EACCES || e == EPERM ? " (root or CAP_NET_ADMIN is needed)" : ""));
    }
    ifreq ifr{};
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;  // frames as they are, no 4-byte header
    std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
    if (::ioctl(fd, TUNSETIFF, &ifr) < 0) {
        const int e = errno;
        ::close(fd);
        std::string why = std::strerror(e);
        if (e == EPERM || e == EACCES) {
            why += create ? ": creating a TAP device needs root or CAP_NET_ADMIN"
                          : ": root or CAP_NET_ADMIN is needed (or be the device's owner)";
        }
        if (e == EINVAL) why += ": it exists but is not a TAP device";
        if (e == EBUSY) why += ": another process has it open";
        throw TapError("cannot attach to " + quoted(name) + ": " + why);
    }
    if (create) bring_up(name);
    return TapDevice(fd, name, true);
}
// [/twinos:tap-open]

TapDevice TapDevice::adopt(int fd, std::string name) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    return TapDevice(fd, std::move(name), false);
}

TapDevice::TapDevice(TapDevice&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), name_(std::move(other.name_)), is_tap_(other.is_tap_) {}

TapDevice& TapDevice::operator=(TapDevice&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
        name_ = std::move(other.name_);
        is_tap_ = other.is_tap_;
    }
    return *this;
}

TapDevice::~TapDevice() {
    if (fd_ >= 0) ::close(fd_);
}

std::optional<std::uint64_t> TapDevice::host_tx_dropped() const {
    if (!is_tap_) return std::nullopt;
    std::ifstream in("/sys/class/net/" + name_ + "/statistics/tx_dropped");
    std::uint64_t n = 0;
    if (!(in >> n)) return std::nullopt;
    return n;
}

void TapDevice::vanished(const char* doing, int error) const {
    throw TapError(std::string("cannot ") + doing + " " + quoted(name_) + ": " +
                   std::strerror(error) + " (the device is gone)");
}

std::optional<std::size_t> TapDevice::read(std::span<std::byte> buffer) {
    for (;;) {
        const ssize_t n = ::read(fd_, buffer.data(), buffer.size());
        if (n > 0) return static_cast<std::size_t>(n);
        if (n == 0) vanished("read from", EPIPE);  // the other end closed
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return std::nullopt;
        vanished("read from", errno);
    }
}

bool TapDevice::write(std::span<const std::byte> frame) {
    for (;;) {
        const ssize_t n = ::write(fd_, frame.data(), frame.size());
        if (n >= 0) return true;
        if (errno == EINTR) continue;
        // The host's receive queue is full (or the interface is down and
        // the kernel drops it): one frame lost on the host's side.
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS || errno == EIO) {
            return false;
        }
        vanished("write to", errno);
    }
}

}  // namespace twinos::edge
