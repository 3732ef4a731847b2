// SPDX-License-Identifier: MIT
// SharedNicSystem: the preceding OS starts the pseudo NIC for the offered card.
#include "pseudonic/shared_nic_system.h"

namespace pseudonic {

using namespace twinos::machine;

SharedNicSystem::SharedNicSystem(MachineConfig config, twinos::os::TwinOsOptions options) {
    // [pseudonic:serve-offer]
    options.serve_offered_device = [this](twinos::os::Kernel& owner, const DeviceAssignment& device,
                                          OsId offered_to) {
        pseudo_nic_ = std::make_unique<PseudoNic>(owner, twin_->machine(), device, offered_to);
    };
    // [/pseudonic:serve-offer]
    twin_ = std::make_unique<twinos::os::TwinOs>(std::move(config), std::move(options));
}

}  // namespace pseudonic
