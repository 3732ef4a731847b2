// SPDX-License-Identifier: MIT
// The intruder's rule file: the expected traffic as headers, the rest whole.
#include "monitor/intruder_rules.h"

namespace monitor {

// [monitor:intruder-rules]
std::string_view intruder_rules() {
    return R"rules(twinos-rules 1
# The one exchange this host is known to have: the Fig. 6 client and server.
rule expected  filter "udp and host 10.0.0.1 and port 7 and port 5001"  slice 0 54
# Anything else -- ARP, an implant's UDP, ICMP or TCP on any port -- whole.
default slice 0 1536
)rules";
}
// [/monitor:intruder-rules]

}  // namespace monitor
