// SPDX-License-Identifier: MIT
// Kernel: one of the two operating systems -- its memory, processes, IRQs, syscalls.
// OS code: runs on the simulated machine through narrow views of it.
//
// Each OS of the twin machine is a `Kernel`. What it is given at boot is all
// it has (`KernelContext`): its own partition, a port-I/O view bound to its
// own identity, the interrupt lines it owns, and CPU time while it runs. It
// never holds a reference to the other kernel or to anything the other
// kernel owns; the machine's partitioning makes that true, and chapter 4's
// pseudo NIC is the one deliberate, audited bridge.
//
// Interface:
//   - `boot()`: print the boot banner on the console, charge boot time;
//   - `create_address_space(name)`, `map_new_pages(space, at, pages, perm)`;
//   - `spawn(name)`: a process with its own confined address space;
//   - `register_syscall(nr, name, handler)`, `syscall(process, nr, args)`;
//   - `set_irq_handler(irq, handler)` for the lines this OS owns;
//   - `run_at(at, name, work)`: a process woken by this kernel's timer.
//
// Paper: §2.1, §3.3 (the monitor AP reaches the kernel by system calls).
// Chapter: chapters/02-twinos.rst.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "twinos/machine/address_space.h"
#include "twinos/machine/cpu.h"
#include "twinos/machine/interrupt_controller.h"
#include "twinos/machine/machine_config.h"
#include "twinos/machine/os_timer.h"
#include "twinos/machine/physical_memory.h"
#include "twinos/machine/port_bus.h"
#include "twinos/machine/trace.h"
#include "twinos/os/frame_allocator.h"
#include "twinos/os/net_stack.h"

namespace twinos::os {

/// Everything a kernel is given at boot, and nothing more.
struct KernelContext {
    machine::OsId id;                                ///< Which OS this kernel is.
    machine::Partition partition;                    ///< Its memory.
    machine::PhysicalMemory& memory;                 ///< RAM, reached only via address spaces.
    machine::PortIo io;                              ///< Port I/O issued as this OS.
    machine::InterruptController& irqs;              ///< For installing handlers on owned lines.
    machine::Cpu& cpu;                               ///< For charging work while running.
    machine::Trace& trace;                           ///< The machine's trace.
    const machine::EventQueue& clock;                ///< To read the time (never to schedule).
    machine::OsTimer& timer;                         ///< To wake its own work in its own time.
    std::vector<machine::DeviceAssignment> devices;  ///< The devices it was given at boot.
};

/// A user process: a pid, a name and a confined address space.
struct Process {
    int pid;                      ///< Process id, from 1.
    std::string name;             ///< Command name.
    machine::AddressSpace space;  ///< Its address space.
};

/// Where each kernel maps its own partition in its kernel address space:
/// Linux 2.4 on IA-32 mapped physical memory at PAGE_OFFSET = 0xC0000000.
inline constexpr std::uint64_t kKernelDirectMap = 0xC0000000;

/// Memory a driver shares with a bus-master device: physically contiguous,
/// mapped in the kernel's address space.
struct DmaBuffer {
    machine::PhysAddr pa;     ///< The address the device uses.
    machine::VirtAddr va;     ///< The address the kernel uses.
    std::uint64_t bytes = 0;  ///< Its size.
};

/// Return value of an unknown system call (Linux's -ENOSYS).
inline constexpr std::int64_t kNoSuchSyscall = -38;

/// A system call: the calling process and up to six arguments.
using SyscallHandler = std::function<std::int64_t(Process&, std::span<const std::uint64_t>)>;

/// One operating system of the twin machine.
class Kernel {
public:
    /// A kernel built from what it is given at boot.
    explicit Kernel(KernelContext context);

    Kernel(const Kernel&) = delete;
    Kernel& operator=(const Kernel&) = delete;

    // Kernel — public interface

    /// Which OS this is.
    machine::OsId id() const { return ctx_.id; }
    /// Its partition.
    const machine::Partition& partition() const { return ctx_.partition; }
    /// The devices it owns.
    const std::vector<machine::DeviceAssignment>& devices() const { return ctx_.devices; }

    /// Boot: announce the partition and devices on the console, charge boot time.
    /// @pre this OS is running.
    void boot();

    /// Write one line to this OS's console (its first `uart16550`), if it has one.
    void console_write(const std::string& line);

    /// A new empty address space that may reach only this OS's partition.
    machine::AddressSpace create_address_space(const std::string& name);

    /// Map `pages` fresh zeroed frames at `at` in `space`. All or nothing.
    /// @return false, with nothing mapped, when frames run out or a map is refused.
    bool map_new_pages(machine::AddressSpace& space, machine::VirtAddr at, std::uint64_t pages,
                       machine::Perm perm);

    /// Start a process with an empty address space. @return it (stable address).
    Process& spawn(const std::string& name);

    /// Register system call `nr`. @throws std::logic_error when `nr` is taken.
    void register_syscall(std::uint32_t nr, const std::string& name, SyscallHandler handler);

    /// Enter the kernel from `process` with call `nr`: charge the syscall cost
    /// and run the handler. @return its result, or `kNoSuchSyscall`.
    std::int64_t syscall(Process& process, std::uint32_t nr, std::span<const std::uint64_t> args);

    /// Run `work` at `at` in this OS's own CPU time: then, or at the start
    /// of its next slice when the other OS holds the CPU (a process woken
    /// by its kernel's timer). `work` charges what it costs; that starts
    /// when the CPU is free.
    /// @throws std::logic_error when `at` is past or the machine has not booted.
    void run_at(machine::Ticks at, std::string_view name, std::function<void()> work) {
        ctx_.timer.run_at(ctx_.id, at, name, std::move(work));
    }
    /// The current simulated time.
    machine::Ticks now() const { return ctx_.clock.now(); }
    /// The time-stamp counter as code running in this OS reads it (rdtsc):
    /// the time at which the work charged so far ends. Unlike `now()` it
    /// moves within one piece of work, by what each step costs -- a trapped
    /// I/O instruction as much as the pseudo NIC's emulation of it (chapter 8).
    machine::Ticks cycle_counter() const { return later_of(now(), ctx_.cpu.free_at()); }

    /// Install this OS's handler for line `irq`. @throws std::logic_error
    /// when the line belongs to the other OS.
    void set_irq_handler(int irq, machine::IrqHandler handler);

    /// Allocate `bytes` of zeroed DMA memory in this OS's partition, mapped
    /// at `kKernelDirectMap` + its offset in the partition.
    /// @throws std::runtime_error when the partition has no room.
    DmaBuffer dma_alloc(std::uint64_t bytes);
    /// Direct view of [offset, offset + length) of a DMA buffer.
    std::span<std::byte> dma_view(const DmaBuffer& buffer, std::uint64_t offset,
                                  std::uint64_t length) {
        // Inline: the driver reads and writes its descriptors through here.
        if (offset > buffer.bytes || length > buffer.bytes - offset) [[unlikely]] {
            refuse_dma_view();
        }
        return ctx_.memory.span(buffer.pa + offset, length);
    }
    /// The kernel's own address space.
    machine::AddressSpace& space() { return kernel_space_; }
    /// Port I/O, issued as this OS.
    machine::PortIo& io() { return ctx_.io; }
    /// Port I/O instructions this OS has issued so far.
    std::uint64_t io_count() const { return ctx_.io.count(); }
    /// The network stack.
    NetStack& net() { return net_; }
    /// The machine's trace and clock, for drivers' trace lines.
    void trace(machine::TraceFlag flag, const std::string& text) const;
    /// Keep `device` (a driver) alive as long as the kernel.
    void adopt_driver(std::unique_ptr<NetDevice> device);

    /// Charge `cost` of work to this OS. @pre this OS is running.
    machine::Ticks charge(machine::Ticks cost) { return ctx_.cpu.charge(ctx_.id, cost); }
    /// Charge `cost` of a user process's work to this OS: it runs in this
    /// OS's idle CPU time and interrupts preempt it. @pre this OS is running.
    void charge_process(machine::Ticks cost) { ctx_.cpu.charge_interruptible(ctx_.id, cost); }
    /// What work costs on this machine.
    const machine::CostModel& costs() const { return ctx_.cpu.costs(); }

    /// The frame allocator of this OS's partition.
    FrameAllocator& frames() { return frames_; }
    /// System calls made so far.
    std::uint64_t syscalls_made() const { return syscalls_; }

private:
    // Throws the out_of_range for a view past the end of a DMA buffer.
    [[noreturn]] static void refuse_dma_view();
    // Kernel — state
    struct SyscallEntry {
        std::string name;
        SyscallHandler handler;
    };
    KernelContext ctx_;
    FrameAllocator frames_;
    machine::AddressSpace kernel_space_;
    NetStack net_;
    std::vector<std::unique_ptr<NetDevice>> drivers_;
    std::deque<Process> processes_;  // deque: spawn never moves existing processes
    std::map<std::uint32_t, SyscallEntry> syscalls_table_;
    std::uint64_t syscalls_ = 0;
};

}  // namespace twinos::os
