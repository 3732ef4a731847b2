// SPDX-License-Identifier: MIT
// LogWriter: choosing and opening a format.
#include "monitor/log_writer.h"

#include "monitor/pcap_writer.h"
#include "monitor/pcapng_writer.h"
#include "monitor/text_writer.h"

#include <stdexcept>

namespace monitor {

namespace {
bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}
}  // namespace

Format format_for(const std::string& path) {
    if (ends_with(path, ".pcapng")) return Format::Pcapng;
    if (ends_with(path, ".txt") || ends_with(path, ".log")) return Format::Text;
    return Format::Pcap;
}

Format parse_format(const std::string& name, const std::string& path) {
    if (name.empty()) return format_for(path);
    if (name == "pcap") return Format::Pcap;
    if (name == "pcapng") return Format::Pcapng;
    if (name == "text") return Format::Text;
    throw std::invalid_argument("--format: '" + name + "' is not pcap, pcapng or text");
}

std::unique_ptr<LogWriter> open_writer(Format format, const std::string& path,
                                       std::uint32_t snaplen) {
    switch (format) {
        case Format::Pcapng: return std::make_unique<PcapngWriter>(path, snaplen);
        case Format::Text: return std::make_unique<TextWriter>(path);
        case Format::Pcap: break;
    }
    return std::make_unique<PcapWriter>(path, snaplen);
}

}  // namespace monitor
