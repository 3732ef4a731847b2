// SPDX-License-Identifier: MIT
// Chapter 4 tests: the shadow upload list on its own -- the re-arm shortcut
// and the plain path (a fresh build) give the same shadows, byte for byte.
#include <gtest/gtest.h>

#include <random>

#include "pseudonic/shadow_upload_list.h"
#include "twinos/machine/el3_registers.h"
#include "twinos/machine/machine_config.h"

namespace twinos::test {
namespace {

using namespace twinos::machine;
using namespace twinos::machine::el3;
using pseudonic::ShadowUploadList;

constexpr int kUpds = 8;
constexpr std::uint32_t kRing = 0x10000;      // driver UPDs, co-existing OS
constexpr std::uint32_t kBuffers = 0x100000;  // driver buffers, 2 KiB apart

class ShadowListTest : public ::testing::Test {
protected:
    MachineConfig config = MachineConfig::standard(32ull << 20);  // co-existing: [0, 16 MiB)
    PhysicalMemory memory{config.memory_bytes};
    pseudonic::Confinement confinement{config.coexisting, config.memory_bytes};
    PhysAddr storage_a = config.preceding.base + 0x10000;
    PhysAddr storage_b =
        storage_a + ShadowUploadList::kMaxEntries * ShadowUploadList::kShadowStride;

    std::uint32_t upd(int i) const { return kRing + static_cast<std::uint32_t>(i) * kUpdBytes; }
    void set_buffer(int i, std::uint32_t address, std::uint32_t length) {
        memory.write32(PhysAddr{upd(i) + kUpdFragAddr}, address);
        memory.write32(PhysAddr{upd(i) + kUpdFragLength}, length | kLastFrag);
    }
    void build_ring() {
        for (int i = 0; i < kUpds; ++i) {
            memory.write32(PhysAddr{upd(i) + kUpdNext}, upd((i + 1) % kUpds));
            memory.write32(PhysAddr{upd(i) + kUpdStatus}, 0);
            set_buffer(i, kBuffers + static_cast<std::uint32_t>(i) * 2048, 1536);
        }
    }
    // The fragment words of shadow `i` in the list stored at `storage`.
    std::vector<std::uint32_t> shadow_fragments(PhysAddr storage, int i) {
        std::vector<std::uint32_t> words;
        const PhysAddr shadow =
            storage + static_cast<std::uint64_t>(i) * ShadowUploadList::kShadowStride;
        for (int f = 0; f < kMaxFragments; ++f) {
            words.push_back(memory.read32(shadow + kUpdFragAddr + f * kFragmentPairBytes));
            const std::uint32_t length =
                memory.read32(shadow + kUpdFragLength + f * kFragmentPairBytes);
            words.push_back(length);
            if (length & kLastFrag) break;
        }
        return words;
    }
};

TEST_F(ShadowListTest, ReArmingByTheShortcutGivesTheShadowsAFreshBuildGives) {
    build_ring();
    ShadowUploadList list(memory, confinement, storage_a);
    ASSERT_FALSE(list.build(upd(0)).has_value());
    std::mt19937 random(12);
    int kept = 0, swapped = 0, refused = 0;
    for (int round = 0; round < 2000; ++round) {
        // The card completes the next shadow; step (A) publishes it.
        const int i = round % kUpds;
        memory.write32(list.shadow_upd(static_cast<std::size_t>(i)) + kUpdStatus,
                       60 | kUpdComplete);
        ASSERT_EQ(list.publish_completed().size(), 1u) << round;
        // The driver gives the UPD back: same buffer (most often), a new one
        // in its partition, or one in the preceding OS's memory.
        const unsigned choice = random() % 10;
        const std::uint32_t now_at = memory.read32(PhysAddr{upd(i) + kUpdFragAddr});
        if (choice < 7) {
            ++kept;
        } else if (choice == 7) {
            ++swapped;  // a new buffer
            set_buffer(i, kBuffers + 0x10000 + (random() % 64) * 2048, 1536);
        } else if (choice == 8) {
            ++swapped;  // the same buffer, another length
            set_buffer(i, now_at, 1024 + (random() % 3) * 256);
        } else {
            ++refused;
            set_buffer(i, static_cast<std::uint32_t>(config.preceding.base.value()) + 0x4000, 1536);
        }
        memory.write32(PhysAddr{upd(i) + kUpdStatus}, 0);
        const auto shortcut = list.rearm_given_back();
        // The plain path: every UPD walked and checked again from scratch.
        ShadowUploadList plain(memory, confinement, storage_b);
        const auto fresh = plain.build(upd(0));
        ASSERT_EQ(shortcut.has_value(), fresh.has_value()) << round;
        if (shortcut) {
            EXPECT_EQ(shortcut->cause, fresh->cause);
            set_buffer(i, kBuffers + static_cast<std::uint32_t>(i) * 2048, 1536);  // repair
            ASSERT_FALSE(list.rearm_given_back().has_value());
            ASSERT_FALSE(plain.build(upd(0)).has_value());
        }
        for (int k = 0; k < kUpds; ++k) {
            ASSERT_EQ(shadow_fragments(storage_a, k), shadow_fragments(storage_b, k))
                << "round " << round << " shadow " << k;
        }
    }
    EXPECT_GT(kept, 1000);
    EXPECT_GT(swapped, 100);
    EXPECT_GT(refused, 50);
}

}  // namespace
}  // namespace twinos::test
