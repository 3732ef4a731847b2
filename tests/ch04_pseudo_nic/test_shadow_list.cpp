// SPDX-License-Identifier: MIT
// Chapter 4 tests: the shadow upload list on its own -- the re-arm shortcut
// and the plain path (a fresh build) give the same shadows, byte for byte.
#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

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

class ShadowBuildTest : public ShadowListTest {
protected:
    void build_linear(int n) {
        for (int i = 0; i < n; ++i) {
            memory.write32(PhysAddr{upd(i) + kUpdNext}, i + 1 < n ? upd(i + 1) : 0);
            memory.write32(PhysAddr{upd(i) + kUpdStatus}, 0);
            set_buffer(i, kBuffers + static_cast<std::uint32_t>(i % 64) * 2048, 1536);
        }
    }
    // True when no byte of [from, from + bytes) of memory is non-zero.
    bool all_zero(PhysAddr from, std::uint64_t bytes) {
        for (std::byte b : memory.span(from, bytes))
            if (b != std::byte{0}) return false;
        return true;
    }
    std::uint32_t preceding_address(std::uint32_t offset) const {
        return static_cast<std::uint32_t>(config.preceding.base.value()) + offset;
    }
    static constexpr std::uint64_t kStorageBytes =
        std::uint64_t{ShadowUploadList::kMaxEntries} * ShadowUploadList::kShadowStride;
};

// The shadows live in a fixed storage of kMaxEntries; a longer chain must be
// refused before a single shadow is written, or the shadows past the end
// would land in the preceding OS's memory outside it.
TEST_F(ShadowBuildTest, AChainLongerThanTheShadowStorageIsRefusedBeforeAnythingIsWritten) {
    build_linear(ShadowUploadList::kMaxEntries + 44);
    ShadowUploadList list(memory, confinement, storage_a);
    const auto refused = list.build(upd(0));
    ASSERT_TRUE(refused.has_value()) << "a 300-UPD chain was accepted";
    EXPECT_EQ(refused->cause, pseudonic::SecurityCause::ChainTooLong);
    EXPECT_EQ(list.size(), 0u);
    EXPECT_EQ(list.head(), 0u);
    EXPECT_TRUE(all_zero(storage_a, kStorageBytes)) << "shadows written for a refused list";
    EXPECT_TRUE(all_zero(storage_b, kStorageBytes)) << "written past the shadow storage";
    // Exactly kMaxEntries fit.
    build_linear(ShadowUploadList::kMaxEntries);
    EXPECT_FALSE(list.build(upd(0)).has_value());
    EXPECT_EQ(list.size(), std::size_t{ShadowUploadList::kMaxEntries});
    EXPECT_TRUE(all_zero(storage_b, kStorageBytes));
}

// All or nothing: a fragment refused halfway through the build leaves no
// list at all -- not the shadows built before it.
TEST_F(ShadowBuildTest, ARefusedFragmentLeavesNoListAtAll) {
    build_ring();
    ShadowUploadList list(memory, confinement, storage_a);
    ASSERT_FALSE(list.build(upd(0)).has_value());
    ASSERT_EQ(list.size(), std::size_t{kUpds});
    set_buffer(5, preceding_address(0x4000), 1536);
    const auto refused = list.build(upd(0));
    ASSERT_TRUE(refused.has_value());
    EXPECT_EQ(refused->cause, pseudonic::SecurityCause::IntoPrecedingOs);
    EXPECT_EQ(list.size(), 0u) << "half a list was left";
    EXPECT_EQ(list.head(), 0u) << "the card would be given half a list";
}

// A rebuild starts over: the next frame published is the first shadow's,
// whatever the old list had published.
TEST_F(ShadowBuildTest, ARebuildPublishesFromTheFirstShadowAgain) {
    build_ring();
    ShadowUploadList list(memory, confinement, storage_a);
    ASSERT_FALSE(list.build(upd(0)).has_value());
    for (int i = 0; i < 3; ++i)
        memory.write32(list.shadow_upd(std::size_t(i)) + kUpdStatus, 60 | kUpdComplete);
    ASSERT_EQ(list.publish_completed().size(), 3u);
    for (int i = 0; i < 3; ++i) memory.write32(PhysAddr{upd(i) + kUpdStatus}, 0);  // given back
    ASSERT_FALSE(list.build(upd(0)).has_value());
    memory.write32(list.shadow_upd(0) + kUpdStatus, 70 | kUpdComplete);
    const auto frames = list.publish_completed();
    ASSERT_EQ(frames.size(), 1u) << "publishing did not start again at shadow 0";
    EXPECT_EQ(frames[0].driver_upd, upd(0));
    EXPECT_EQ(memory.read32(PhysAddr{upd(0) + kUpdStatus}), 70 | kUpdComplete);
}

// A UPD the driver still holds (its status complete) starts Published: its
// shadow says complete, so the card will not fill the driver's buffer again,
// and step (A) does not report it a second time.
TEST_F(ShadowBuildTest, AUpdTheDriverStillHoldsStartsPublishedNotArmed) {
    build_ring();
    memory.write32(PhysAddr{upd(3) + kUpdStatus}, 100 | kUpdComplete);
    ShadowUploadList list(memory, confinement, storage_a);
    ASSERT_FALSE(list.build(upd(0)).has_value());
    for (int i = 0; i < kUpds; ++i) {
        EXPECT_EQ(memory.read32(list.shadow_upd(std::size_t(i)) + kUpdStatus),
                  i == 3 ? kUpdComplete : 0u)
            << i;
    }
    for (int i = 0; i < 3; ++i)
        memory.write32(list.shadow_upd(std::size_t(i)) + kUpdStatus, 60 | kUpdComplete);
    EXPECT_EQ(list.publish_completed().size(), 3u) << "the held UPD was published again";
    // Once the driver gives it back, it is re-armed like any other.
    for (int i = 0; i < 4; ++i) memory.write32(PhysAddr{upd(i) + kUpdStatus}, 0);
    ASSERT_FALSE(list.rearm_given_back().has_value());
    EXPECT_EQ(memory.read32(list.shadow_upd(3) + kUpdStatus), 0u);
}

// Each refusal names its cause, the field, the address and the length, and
// the walk checks in a fixed order: a return to the head ends the walk; a
// UPD seen before is a loop; one more than kMaxEntries is too long; then the
// UPD must lie in the partition, then be 8-byte aligned. Fragments are
// checked after the walk, in list order.
TEST_F(ShadowBuildTest, EachRefusalNamesItsCauseFieldAndAddress) {
    using pseudonic::SecurityCause;
    struct Case {
        const char* name;
        std::function<std::uint32_t()> make;  // returns the head
        SecurityCause cause;
        std::string what;
        std::uint32_t address, length;
    };
    const std::uint32_t outside = preceding_address(0x8000);
    const std::vector<Case> cases = {
        {"head outside", [&] { return outside; }, SecurityCause::IntoPrecedingOs, "UpListPtr",
         outside, kUpdBytes},
        {"next outside",
         [&] {
             build_ring();
             memory.write32(PhysAddr{upd(2) + kUpdNext}, outside);
             return upd(0);
         },
         SecurityCause::IntoPrecedingOs, "UPD next pointer", outside, kUpdBytes},
        {"misaligned",
         [&] {
             build_ring();
             memory.write32(PhysAddr{upd(2) + kUpdNext}, upd(3) + 4);
             return upd(0);
         },
         SecurityCause::Misaligned, "UPD", upd(3) + 4, kUpdBytes},
        {"outside and misaligned: the partition first", [&] { return outside + 4; },
         SecurityCause::IntoPrecedingOs, "UpListPtr", outside + 4, kUpdBytes},
        {"loop into the middle",
         [&] {
             build_ring();
             memory.write32(PhysAddr{upd(kUpds - 1) + kUpdNext}, upd(2));
             return upd(0);
         },
         SecurityCause::ChainLoops, "UPD next pointer", upd(2), kUpdBytes},
        {"too long, the one too many outside: the length first",
         [&] {
             build_linear(ShadowUploadList::kMaxEntries);
             memory.write32(PhysAddr{upd(ShadowUploadList::kMaxEntries - 1) + kUpdNext}, outside);
             return upd(0);
         },
         SecurityCause::ChainTooLong, "UPD list", upd(0), 0},
        {"fragment",
         [&] {
             build_ring();
             set_buffer(4, outside, 1536);
             set_buffer(6, outside + 0x1000, 1536);
             return upd(0);
         },
         SecurityCause::IntoPrecedingOs, "UPD fragment 0", outside, 1536},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        const std::uint32_t head = c.make();
        ShadowUploadList list(memory, confinement, storage_a);
        const auto r = list.build(head);
        ASSERT_TRUE(r.has_value());
        EXPECT_EQ(r->cause, c.cause);
        EXPECT_EQ(r->what, c.what);
        EXPECT_EQ(r->address, c.address);
        EXPECT_EQ(r->length, c.length);
        EXPECT_EQ(list.size(), 0u);
    }
}

}  // namespace
}  // namespace twinos::test
