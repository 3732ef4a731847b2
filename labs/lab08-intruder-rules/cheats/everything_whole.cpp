// SPDX-License-Identifier: MIT
// A lab 8 cheat the self-test must catch: log everything whole. The implant
// is recorded, but the expected traffic is not headers only and the graded
// log area overflows.
#include "monitor/intruder_rules.h"

namespace monitor {

std::string_view intruder_rules() {
    return R"rules(twinos-rules 1
default slice 0 1536
)rules";
}

}  // namespace monitor
