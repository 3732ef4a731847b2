// SPDX-License-Identifier: MIT
// CaptureSystem: the preceding OS starts the acquisition part after the pseudo NIC.
#include "capture/capture_system.h"

namespace capture {

using namespace twinos::machine;

CaptureSystem::CaptureSystem(MachineConfig config, twinos::os::TwinOsOptions options)
    : shared_(std::move(config), std::move(options)) {
    shared_.twin().set_init(OsId::Preceding, [this](twinos::os::Kernel& preceding) {
        acquisition_ = std::make_unique<Acquisition>(preceding, shared_.twin().machine(),
                                                     *shared_.pseudo_nic());
        if (preceding_init_) preceding_init_(preceding);
    });
}

}  // namespace capture
