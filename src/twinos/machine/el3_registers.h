// SPDX-License-Identifier: MIT
// The 3Com 3c905 ("Boomerang") register interface, as facts.
// Part of the simulated machine; OS code and labs never edit this.
//
// This header is the datasheet of the card: register offsets, command codes,
// status bits and descriptor layouts, as the Linux 3c59x driver and the BSD
// xl driver use them. The NIC model (`Nic3c905`), the co-existing OS's
// driver (`Driver3c905x`) and, from chapter 4, the pseudo NIC all read it,
// exactly as three independent programs would read one datasheet.
//
// Values are those of Linux 3c59x.c (`enum vortex_cmd`, `vortex_status`,
// `boom_rx_desc`, `boom_tx_desc`) and FreeBSD if_xlreg.h; restated in
// chapters/appendix-facts.rst, "The 3c905 network card".
//
// Paper: §2.2 (the 3c905-TX and its 3c905x driver). Chapter: chapters/03-nic.rst.
#pragma once

#include <cstdint>

namespace twinos::machine::el3 {

// [twinos:el3-registers]
/// Size of the Boomerang's register block in port space (BOOMERANG_TOTAL_SIZE).
inline constexpr std::uint16_t kRegisterBlockBytes = 0x40;

/// Registers valid in every window.
inline constexpr std::uint16_t kCommand = 0x0e;  ///< EL3_CMD (write, 16-bit).
inline constexpr std::uint16_t kStatus = 0x0e;   ///< EL3_STATUS (read, 16-bit).

/// Window 0: the serial EEPROM holding the station address (words 10-12).
inline constexpr std::uint16_t kW0EepromCommand = 0x0a;
inline constexpr std::uint16_t kW0EepromData = 0x0c;
inline constexpr std::uint16_t kEepromRead = 0x80;  ///< Command: read word (addr in bits 0-5).
inline constexpr int kEepromStationAddress = 10;    ///< First of three words, high byte first.
inline constexpr int kEepromCapabilities = 16;
inline constexpr std::uint16_t kCapBusMaster = 0x20;  ///< Capability: bus-master DMA.

/// Window 2: station address (bytes 0-5) and station mask (6-11).
inline constexpr std::uint16_t kW2StationAddress = 0x00;
inline constexpr std::uint16_t kW2StationMask = 0x06;
/// Window 3: configuration.
inline constexpr std::uint16_t kW3InternalConfig = 0x00;  ///< 32-bit.
inline constexpr std::uint16_t kW3MaxPktSize = 0x04;
inline constexpr std::uint16_t kW3MacControl = 0x06;
inline constexpr std::uint16_t kW3Options = 0x08;
/// Window 4: diagnostics and media.
inline constexpr std::uint16_t kW4NetDiag = 0x06;
inline constexpr std::uint16_t kW4Media = 0x0a;
/// Window 5: read-back of what the commands set.
inline constexpr std::uint16_t kW5RxFilter = 0x08;
inline constexpr std::uint16_t kW5IntrEnable = 0x0a;
inline constexpr std::uint16_t kW5StatusEnable = 0x0c;
/// Window 6: statistics, 8-bit counters cleared when read.
inline constexpr std::uint16_t kW6RxOverrun = 0x05;
inline constexpr std::uint16_t kW6TxFramesOk = 0x06;
inline constexpr std::uint16_t kW6RxFramesOk = 0x07;
inline constexpr std::uint16_t kW6RxBytesOk = 0x0a;  ///< 16-bit.
inline constexpr std::uint16_t kW6TxBytesOk = 0x0c;  ///< 16-bit.

/// Bus-master registers, not windowed (Boomerang and later).
inline constexpr std::uint16_t kPktStatus = 0x20;        ///< DmaCtrl, 32-bit.
inline constexpr std::uint16_t kDownListPtr = 0x24;      ///< 32-bit; 0 = download idle.
inline constexpr std::uint16_t kTxFreeThreshold = 0x2f;  ///< 8-bit.
inline constexpr std::uint16_t kUpPktStatus = 0x30;      ///< 32-bit.
inline constexpr std::uint16_t kUpListPtr = 0x38;        ///< 32-bit.
/// Model extension, not a 3c905 register: the card's timestamp clock, ns
/// since the epoch in two read-only 32-bit halves (read low first, which
/// latches high), like the clock of a NIC with hardware timestamps.
inline constexpr std::uint16_t kStampClockLow = 0x28;
inline constexpr std::uint16_t kStampClockHigh = 0x2c;  ///< See `kStampClockLow`.

// [/twinos:el3-registers]

// [twinos:el3-commands]
/// Commands: the top 5 bits of the command word; the low 11 are a parameter.
inline constexpr std::uint16_t TotalReset = 0 << 11;
inline constexpr std::uint16_t SelectWindow = 1 << 11;
inline constexpr std::uint16_t RxDisable = 3 << 11;
inline constexpr std::uint16_t RxEnable = 4 << 11;
inline constexpr std::uint16_t RxReset = 5 << 11;
inline constexpr std::uint16_t UpStall = 6 << 11;
inline constexpr std::uint16_t UpUnstall = (6 << 11) + 1;
inline constexpr std::uint16_t DownStall = (6 << 11) + 2;
inline constexpr std::uint16_t DownUnstall = (6 << 11) + 3;
inline constexpr std::uint16_t RxDiscard = 8 << 11;
inline constexpr std::uint16_t TxEnable = 9 << 11;
inline constexpr std::uint16_t TxDisable = 10 << 11;
inline constexpr std::uint16_t TxReset = 11 << 11;
inline constexpr std::uint16_t FakeIntr = 12 << 11;
inline constexpr std::uint16_t AckIntr = 13 << 11;
inline constexpr std::uint16_t SetIntrEnb = 14 << 11;
inline constexpr std::uint16_t SetStatusEnb = 15 << 11;
inline constexpr std::uint16_t SetRxFilter = 16 << 11;
inline constexpr std::uint16_t SetRxThreshold = 17 << 11;
inline constexpr std::uint16_t SetTxThreshold = 18 << 11;
inline constexpr std::uint16_t SetTxStart = 19 << 11;
inline constexpr std::uint16_t StatsEnable = 21 << 11;
inline constexpr std::uint16_t StatsDisable = 22 << 11;
/// The command's number, 0 to 31: what a switch over commands switches on
/// (`case command_number(AckIntr):`), so that it compiles to one indexed
/// jump rather than a tree of compares over values 2048 apart.
constexpr unsigned command_number(std::uint16_t word) { return word >> 11; }
/// The parameter part of a command word.
constexpr std::uint16_t parameter_of(std::uint16_t word) { return word & 0x07ff; }

// [/twinos:el3-commands]

// [twinos:el3-status]
/// Status / interrupt bits (EL3_STATUS, AckIntr, SetIntrEnb, SetStatusEnb).
inline constexpr std::uint16_t IntLatch = 0x0001;
inline constexpr std::uint16_t HostError = 0x0002;
inline constexpr std::uint16_t TxComplete = 0x0004;
inline constexpr std::uint16_t TxAvailable = 0x0008;
inline constexpr std::uint16_t RxComplete = 0x0010;
inline constexpr std::uint16_t RxEarly = 0x0020;
inline constexpr std::uint16_t IntReq = 0x0040;
inline constexpr std::uint16_t StatsFull = 0x0080;
inline constexpr std::uint16_t DmaDone = 0x0100;
inline constexpr std::uint16_t DownComplete = 0x0200;
inline constexpr std::uint16_t UpComplete = 0x0400;
inline constexpr std::uint16_t DmaInProgress = 0x0800;
inline constexpr std::uint16_t CmdInProgress = 0x1000;
/// The status bits an interrupt can be acknowledged for (AckIntr parameter).
inline constexpr std::uint16_t kAckableBits = 0x07ff;
/// Bits 15-13 of EL3_STATUS show the selected window.
inline constexpr int kStatusWindowShift = 13;

/// SetRxFilter parameter bits.
inline constexpr std::uint16_t RxStation = 1;
inline constexpr std::uint16_t RxMulticast = 2;
inline constexpr std::uint16_t RxBroadcast = 4;
inline constexpr std::uint16_t RxProm = 8;

/// DmaCtrl (PktStatus) bits the model uses.
inline constexpr std::uint32_t kDmaDnStalled = 0x4;
inline constexpr std::uint32_t kDmaMasterAbort = 0x80000000u;
/// Model extension, not a 3c905 bit: with it set the upload engine also
/// writes each frame's receive stamp into its UPD (`kUpdStampOffset`), as a
/// NIC with hardware receive timestamps would. Only the pseudo NIC sets it,
/// on shadow UPDs that have the room; a driver that never does sees a plain
/// 3c905, whose UPDs end after their fragments.
inline constexpr std::uint32_t kDmaReceiveStamps = 0x40000000u;
/// UpPktStatus register: the upload engine is stalled.
inline constexpr std::uint32_t kUpStalled = 0x2000;

// [/twinos:el3-status]

// [twinos:el3-descriptors]
/// Upload Packet Descriptor (UPD), 16 bytes little-endian with one fragment.
inline constexpr std::uint32_t kUpdNext = 0;         ///< Physical address of the next UPD.
inline constexpr std::uint32_t kUpdStatus = 4;       ///< Written by the NIC.
inline constexpr std::uint32_t kUpdFragAddr = 8;     ///< First fragment's buffer address.
inline constexpr std::uint32_t kUpdFragLength = 12;  ///< First fragment's length | LastFrag.
inline constexpr std::uint32_t kUpdBytes = 16;
/// Download Packet Descriptor (DPD), the same shape.
inline constexpr std::uint32_t kDpdNext = 0;    ///< 0 = end of list.
inline constexpr std::uint32_t kDpdHeader = 4;  ///< FrameStartHeader.
inline constexpr std::uint32_t kDpdFragAddr = 8;
inline constexpr std::uint32_t kDpdFragLength = 12;
inline constexpr std::uint32_t kDpdBytes = 16;
/// Each further fragment is another (address, length) pair of 8 bytes.
inline constexpr std::uint32_t kFragmentPairBytes = 8;
/// The chip accepts at most 63 fragments per descriptor.
inline constexpr int kMaxFragments = 63;

/// The receive stamp (with `kDmaReceiveStamps`): 16 bytes after room for
/// the most fragments -- arrival time in ns since the epoch (low and high
/// 32-bit words), then the frame's original length where it was captured.
inline constexpr std::uint32_t kUpdStampOffset = 8 + kMaxFragments * kFragmentPairBytes;
inline constexpr std::uint32_t kUpdStampTimeLow = kUpdStampOffset;       ///< See above.
inline constexpr std::uint32_t kUpdStampTimeHigh = kUpdStampOffset + 4;  ///< See above.
inline constexpr std::uint32_t kUpdStampLength = kUpdStampOffset + 8;    ///< See above.
inline constexpr std::uint32_t kUpdStampBytes = 16;                      ///< See above.

/// Fragment length word: length in bits 0-12, last-fragment flag in bit 31.
inline constexpr std::uint32_t kFragLengthMask = 0x1fff;
inline constexpr std::uint32_t kLastFrag = 0x80000000u;

/// UPD status bits.
inline constexpr std::uint32_t kUpdLengthMask = 0x1fff;
inline constexpr std::uint32_t kUpdError = 0x4000;
inline constexpr std::uint32_t kUpdComplete = 0x8000;
inline constexpr std::uint32_t kUpdOverrun = 0x10000;
inline constexpr std::uint32_t kUpdRunt = 0x20000;
inline constexpr std::uint32_t kUpdAlignment = 0x40000;
inline constexpr std::uint32_t kUpdCrc = 0x80000;
inline constexpr std::uint32_t kUpdOversize = 0x100000;
inline constexpr std::uint32_t kUpdOverflow = 0x1000000;

/// DPD FrameStartHeader bits.
inline constexpr std::uint32_t kDpdLengthMask = 0x1fff;
inline constexpr std::uint32_t kDpdTxIndicate = 0x8000;           ///< Linux TxDComplete.
inline constexpr std::uint32_t kDpdTxIntrUploaded = 0x80000000u;  ///< Raise DownComplete.
// [/twinos:el3-descriptors]

}  // namespace twinos::machine::el3
