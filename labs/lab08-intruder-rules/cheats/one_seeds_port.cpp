// SPDX-License-Identifier: MIT
// A lab 8 cheat the self-test must catch: whole frames only for what one
// seed's implant used (TCP to port 8080, seed 1); headers for everything
// else. Right on that seed, wrong on the seeds the grader uses.
#include "monitor/intruder_rules.h"

namespace monitor {

std::string_view intruder_rules() {
    return R"rules(twinos-rules 1
rule implant  filter "tcp port 8080"  slice 0 1536
default slice 0 54
)rules";
}

}  // namespace monitor
