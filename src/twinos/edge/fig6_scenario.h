// SPDX-License-Identifier: MIT
// Fig6Scenario: the paper's experiment, built in -- a client asks, a server sends.
// An edge adapter: it wires a server host to the link and a client program
// into the co-existing OS, then runs the machine until the client is done.
//
// Paper §4, Fig. 6: the client program on the co-existing OS requests
// packets; the server on a second computer sends them; the co-existing OS
// receives them through its 3c905x driver. The default frame sizes run from
// 53 bytes (headers only, the paper's smallest copy) to full 1514-byte
// frames.
//
// Chapter: chapters/03-nic.rst.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "twinos/edge/server_host.h"
#include "twinos/os/fig6_client.h"
#include "twinos/twin_os.h"

namespace twinos::edge {

/// What to ask the server for.
struct Fig6Options {
    std::uint32_t count = 1000;  ///< Frames the client requests.
    /// Frame sizes, cycled: the paper's 53-byte headers-only frame up to 1514.
    std::vector<std::uint32_t> frame_sizes = {53, 64, 128, 256, 512, 1024, 1280, 1514};
    /// The longest the scenario may run, in simulated time. Zero: scale with
    /// the request (see Fig6Scenario::budget).
    machine::Ticks budget{0};
    /// Another program's work to wait for after the client is done (true
    /// when it has finished), or nothing: the run ends with the client.
    std::function<bool()> also_wait_for;
};

/// The built-in scenario on a TwinOs.
class Fig6Scenario {
public:
    /// The server's IPv4 address: 10.0.0.1.
    static constexpr std::uint32_t kServerIp = 0x0a000001;
    /// The server's UDP port (echo).
    static constexpr std::uint16_t kServerPort = 7;

    /// Attach a server to `twin`'s link and make the client the co-existing
    /// OS's first program. @pre `twin` is not booted yet.
    Fig6Scenario(os::TwinOs& twin, Fig6Options options);

    /// Call `hook` after every millisecond slice of the run (the monitor reads
    /// then). The run goes on while the hook returns true; false stops it
    /// early (the user pressed Ctrl-C).
    void set_after_each_slice(std::function<bool()> hook) { after_slice_ = std::move(hook); }

    /// How long the run may take: the options' budget, or when that is zero,
    /// one second plus three times the wire time of every requested frame --
    /// room for a slowed-down receiver without running forever when the
    /// replies are lost.
    machine::Ticks budget() const;

    /// Boot and run until every reply arrived, the budget is spent or the
    /// after-slice hook asks to stop.
    /// @return true when the client received every frame it asked for.
    bool run();

    /// The server on the wire.
    const ServerHost& server() const { return server_; }
    /// The client program (exists once the co-existing OS booted).
    const os::Fig6Client* client() const { return client_.get(); }

private:
    os::TwinOs& twin_;
    Fig6Options options_;
    ServerHost server_;
    std::unique_ptr<os::Fig6Client> client_;
    std::function<bool()> after_slice_;
};

}  // namespace twinos::edge
