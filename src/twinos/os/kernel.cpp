// SPDX-License-Identifier: MIT
// Kernel: boot banner, confined memory, processes and the system-call table.
// OS code: runs on the simulated machine through narrow views of it.
#include "twinos/os/kernel.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "twinos/machine/costs.h"
#include "twinos/machine/event_queue.h"

namespace twinos::os {

using namespace twinos::machine;

Kernel::Kernel(KernelContext context)
    : ctx_(std::move(context)),
      // Linux 2.4 loads its image at 1 MiB; keep the first 1 MiB of the
      // partition (or a quarter of a small one) for it. This also keeps
      // physical address 0 -- "no list" to a DMA engine -- out of use.
      frames_(ctx_.partition, std::min<std::uint64_t>(1ull << 20, ctx_.partition.size_bytes / 4)),
      kernel_space_(std::string(to_string(ctx_.id)) + ":kernel", ctx_.memory, {ctx_.partition}) {}

DmaBuffer Kernel::dma_alloc(std::uint64_t bytes) {
    const std::uint64_t pages = (bytes + kPageSize - 1) / kPageSize;
    auto first = frames_.allocate_contiguous(pages);
    if (!first) {
        throw std::runtime_error(std::string(to_string(ctx_.id)) + " kernel: no room for " +
                                 std::to_string(bytes) + " bytes of DMA memory");
    }
    const VirtAddr va{kKernelDirectMap + (first->value() - ctx_.partition.base.value())};
    for (std::uint64_t i = 0; i < pages; ++i) {
        if (kernel_space_.map(va + i * kPageSize, *first + i * kPageSize, Perm::ReadWrite) !=
            MapStatus::Ok) {
            throw std::runtime_error("kernel: DMA memory could not be mapped");
        }
    }
    auto bytes_view = ctx_.memory.span(*first, pages * kPageSize);
    std::fill(bytes_view.begin(), bytes_view.end(), std::byte{0});
    return DmaBuffer{*first, va, bytes};
}

void Kernel::refuse_dma_view() {
    throw std::out_of_range("kernel: view past the end of a DMA buffer");
}

void Kernel::trace(TraceFlag flag, const std::string& text) const {
    // A kernel's line is its own work: stamped with its time-stamp counter.
    ctx_.trace.emit_at(flag, cycle_counter(), std::string(to_string(ctx_.id)) + ": " + text);
}

void Kernel::adopt_driver(std::unique_ptr<NetDevice> device) {
    net_.attach(*device);
    drivers_.push_back(std::move(device));
}

void Kernel::console_write(const std::string& line) {
    for (const DeviceAssignment& d : ctx_.devices) {
        if (d.kind != "uart16550") continue;
        // One outb per character, as a polled serial console does.
        for (char c : line) ctx_.io.out8(d.ports.base, static_cast<std::uint8_t>(c));
        ctx_.io.out8(d.ports.base, '\n');
        return;
    }
}

void Kernel::boot() {
    charge(costs().kernel_boot);
    const Partition& p = ctx_.partition;
    console_write("twinos " + std::string(to_string(ctx_.id)) + " kernel: memory " +
                  hex(p.base.value(), 8) + "-" + hex(p.last().value(), 8) + " (" +
                  std::to_string(p.size_bytes >> 20) + " MiB)");
    for (const DeviceAssignment& d : ctx_.devices) {
        std::string line = "  device " + d.name + " (" + d.kind + ") ports " +
                           hex(d.ports.base.value(), 4) + "-" +
                           hex(d.ports.base.value() + d.ports.count - 1, 4);
        if (d.irq) line += " irq " + std::to_string(*d.irq);
        console_write(line);
    }
    ctx_.trace.emit(TraceFlag::Boot, ctx_.clock.now(),
                    std::string(to_string(ctx_.id)) + " kernel booted");
}

AddressSpace Kernel::create_address_space(const std::string& name) {
    return AddressSpace(std::string(to_string(ctx_.id)) + ":" + name, ctx_.memory,
                        {ctx_.partition});
}

bool Kernel::map_new_pages(AddressSpace& space, VirtAddr at, std::uint64_t pages, Perm perm) {
    std::vector<PhysAddr> taken;
    auto undo = [&] {
        for (std::uint64_t i = 0; i < taken.size(); ++i) {
            space.unmap(at + i * kPageSize);
            frames_.free(taken[i]);
        }
    };
    for (std::uint64_t i = 0; i < pages; ++i) {
        auto frame = frames_.allocate();
        if (!frame) {
            undo();
            return false;
        }
        if (space.map(at + i * kPageSize, *frame, perm) != MapStatus::Ok) {
            frames_.free(*frame);
            undo();
            return false;
        }
        taken.push_back(*frame);
        // Fresh memory is zeroed: a recycled frame must not leak old data.
        auto bytes = ctx_.memory.span(*frame, kPageSize);
        std::fill(bytes.begin(), bytes.end(), std::byte{0});
    }
    return true;
}

Process& Kernel::spawn(const std::string& name) {
    const int pid = static_cast<int>(processes_.size()) + 1;
    processes_.push_back(Process{pid, name, create_address_space(name)});
    return processes_.back();
}

void Kernel::register_syscall(std::uint32_t nr, const std::string& name, SyscallHandler handler) {
    if (!syscalls_table_.try_emplace(nr, SyscallEntry{name, std::move(handler)}).second) {
        throw std::logic_error("system call " + std::to_string(nr) + " registered twice");
    }
}

// [twinos:syscall]
std::int64_t Kernel::syscall(Process& process, std::uint32_t nr,
                             std::span<const std::uint64_t> args) {
    ++syscalls_;
    charge(costs().system_call);  // enter and leave the kernel
    auto it = syscalls_table_.find(nr);
    if (it == syscalls_table_.end()) return kNoSuchSyscall;
    return it->second.handler(process, args);
}
// [/twinos:syscall]

void Kernel::set_irq_handler(int irq, IrqHandler handler) {
    ctx_.irqs.set_handler(ctx_.id, irq, std::move(handler));
}

}  // namespace twinos::os
