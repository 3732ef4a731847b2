// SPDX-License-Identifier: MIT
// Fuzz target: the capture reader (pcap and pcapng through libpcap, and the
// read-ahead source in front of it). Any input is a file: it either opens and
// yields frames until a clean end or a named error, or is refused as a
// whole -- never a crash, and every frame keeps the reader's promises.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "twinos/edge/pcap_replay.h"
#include "twinos/edge/read_ahead_source.h"

namespace {

[[noreturn]] void broken(const char* promise) {
    std::fprintf(stderr, "capture reader broke a promise: %s\n", promise);
    std::abort();
}

// Read every frame; check what each one and the error say.
void read_all(twinos::machine::FrameSource& source, twinos::edge::PcapReplay& file) {
    std::int64_t time_ns = 0;
    twinos::machine::WireFrame frame;
    std::uint64_t frames = 0;
    while (source.next(time_ns, frame)) {
        ++frames;
        if (frame.bytes.size() > 262144) broken("a frame longer than libpcap's largest snapshot");
    }
    if (file.error() && file.error()->find("record ") == std::string::npos)
        broken("an error that does not name its record");
    if (frames != file.stats().records) broken("frames delivered differ from records counted");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    char path[] = "/tmp/twinos-fuzz-capture-XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) return 0;
    if (write(fd, data, size) != static_cast<ssize_t>(size)) {
        close(fd);
        unlink(path);
        return 0;
    }
    close(fd);
    for (bool ahead : {false, true}) {
        try {
            auto file = twinos::edge::PcapReplay::open(path);
            if (ahead) {
                twinos::edge::ReadAheadSource source(*file, 4);
                read_all(source, *file);
                source.finish();
            } else {
                read_all(*file, *file);
            }
        } catch (const twinos::edge::ReplayError& e) {
            if (std::string(e.what()).find(path) == std::string::npos)
                broken("a refusal that does not name the file");
        }
    }
    unlink(path);
    return 0;
}
