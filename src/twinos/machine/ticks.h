// SPDX-License-Identifier: MIT
// Ticks: simulated time, one tick per nanosecond.
// Part of the simulated machine; OS code and labs never edit this.
//
// Simulated time is the only clock inside the machine. It advances only when
// the event queue fires an event or when the CPU is charged for work, so the
// same inputs always give the same times. Host time (the wall clock) never
// leaks in: it is measured only by benchmarks, and always labelled as such.
//
// Ticks is a strong type so that a duration can never be confused with a
// byte count or a port number. Interface:
//   - `Ticks{n}` and the helpers `nanoseconds()`, `microseconds()`, `milliseconds()`;
//   - arithmetic between ticks, comparison, scaling by an integer;
//   - `count()` to leave the type at a boundary (printing, hashing).
//
// Chapter: chapters/02-twinos.rst.
#pragma once

#include <compare>
#include <cstdint>

namespace twinos::machine {

/// A point or a span of simulated time, in nanoseconds.
class Ticks {
public:
    constexpr Ticks() = default;
    /// Make a tick count; one tick is one simulated nanosecond.
    constexpr explicit Ticks(std::int64_t nanoseconds) : ns_(nanoseconds) {}

    /// The number of nanoseconds.
    constexpr std::int64_t count() const { return ns_; }
    /// The latest time there is: "never".
    static constexpr Ticks max() { return Ticks{INT64_MAX}; }

    /// Add a span.
    constexpr Ticks& operator+=(Ticks other) {
        ns_ += other.ns_;
        return *this;
    }
    /// Subtract a span.
    constexpr Ticks& operator-=(Ticks other) {
        ns_ -= other.ns_;
        return *this;
    }
    /// The sum of two spans, or a time plus a span.
    friend constexpr Ticks operator+(Ticks a, Ticks b) { return Ticks{a.ns_ + b.ns_}; }
    /// The span between two times.
    friend constexpr Ticks operator-(Ticks a, Ticks b) { return Ticks{a.ns_ - b.ns_}; }
    /// A span repeated `n` times.
    friend constexpr Ticks operator*(Ticks a, std::int64_t n) { return Ticks{a.ns_ * n}; }
    /// A span repeated `n` times.
    friend constexpr Ticks operator*(std::int64_t n, Ticks a) { return Ticks{a.ns_ * n}; }
    /// Times and spans compare by their nanoseconds.
    friend constexpr auto operator<=>(Ticks, Ticks) = default;

private:
    std::int64_t ns_ = 0;
};

/// A span of `n` simulated nanoseconds.
constexpr Ticks nanoseconds(std::int64_t n) { return Ticks{n}; }
/// A span of `n` simulated microseconds.
constexpr Ticks microseconds(std::int64_t n) { return Ticks{n * 1000}; }
/// A span of `n` simulated milliseconds.
constexpr Ticks milliseconds(std::int64_t n) { return Ticks{n * 1000 * 1000}; }

/// The later of two times.
constexpr Ticks later_of(Ticks a, Ticks b) { return a < b ? b : a; }

}  // namespace twinos::machine
