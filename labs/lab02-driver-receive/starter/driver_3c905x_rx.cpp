// SPDX-License-Identifier: MIT
// Driver3c905x: the receive path (boomerang_rx).
// LAB 2 STARTER -- this file stands in for src/twinos/os/driver_3c905x_rx.cpp
// when the build is configured with -DTWINOS_LAB=lab02.
//
// You implement: `Driver3c905x::receive()`.
// Provided (do not change): the rest of the driver (driver_3c905x.h, _open,
// _irq, _tx). In particular you may use:
//   - `upd_load(entry, field)` / `upd_store(entry, field, value)`: read and
//     write a field of UPD `entry` (fields `kUpdStatus`, `kUpdFragAddr`, ...
//     from el3_registers.h);
//   - `rx_buffers_[entry]`: the DmaBuffer UPD `entry` points at; the frame
//     starts 2 bytes in (`kIpAlign`, NET_IP_ALIGN);
//   - `kernel_.dma_view(buffer, offset, length)`: the bytes of a DmaBuffer;
//   - `take_rx_buffer()`: a fresh buffer; `rx_spares_`: where a buffer goes
//     back once the stack is done with it;
//   - `kernel_.net().input(frame)`: hand one frame to the network stack;
//   - `command(word)`: write the command register (e.g. `UpUnstall`);
//   - `cur_rx_`: how many UPDs the driver has ever consumed; `options_`,
//     `stats_`.
//
// Paper: §2.3.1, Table 1 (C). Chapter: chapters/03-nic.rst.
// Lab: labs/lab02-driver-receive/README.rst.
#include <algorithm>

#include "twinos/machine/el3_registers.h"
#include "twinos/os/driver_3c905x.h"

namespace twinos::os {

using namespace twinos::machine;
using namespace twinos::machine::el3;

namespace {
constexpr std::uint32_t kIpAlign = 2;  // see driver_3c905x_open.cpp
}

// LAB 2 — your code here.
//
// Called by the interrupt handler after it acknowledged UpComplete.
//   Walk the ring from entry `cur_rx_ % kRxRingSize` while the UPD's status
//   has `kUpdComplete`, handling at most kRxRingSize entries per call. For
//   each completed UPD:
//     - if the status has `kUpdError`: count `stats_.rx_errors`, and also
//       `stats_.rx_length_errors` when `kUpdOversize` or `kUpdOverflow` is set;
//     - otherwise the frame is `status & kUpdLengthMask` bytes at 2 bytes into
//       the entry's buffer. If it is shorter than `options_.rx_copybreak`,
//       copy it into `copy_buffer_`, hand that to the stack and count
//       `stats_.rx_copied`; else give the UPD a fresh buffer (write its
//       address + 2 into kUpdFragAddr), hand the old buffer's frame to the
//       stack, and put the old buffer on `rx_spares_`. Count
//       `stats_.rx_packets` and `stats_.rx_bytes`;
//     - give the UPD back: write 0 to its status; then issue `UpUnstall`
//       (exactly one I/O instruction per UPD);
//     - move on: `++cur_rx_`.
//   Return: the number of UPDs consumed (the handler charges CPU time for each).
//   Paper: the monitor of chapter 5 must copy a frame before this function
//   gives its UPD back -- afterwards the buffer may be refilled at any time.
int Driver3c905x::receive() { return 0; }

}  // namespace twinos::os
