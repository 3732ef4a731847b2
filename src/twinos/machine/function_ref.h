// SPDX-License-Identifier: MIT
// FunctionRef: a callable passed down a call, without std::function's cost.
// Part of the simulated machine's toolbox; OS code may use it too.
//
// A function that takes a callback and calls it before it returns (the log
// reader's drain calls its sink once per record) need not own the callback.
// FunctionRef is two words -- the callable's address and a function that
// calls it -- so passing one copies nothing and calling one is one indirect
// call, where std::function may allocate, and calls through a manager.
//
// It refers to the callable, so it must not outlive it: take it as a
// parameter, never keep it. A lambda written in the call's argument list
// lives until the call returns, which is exactly long enough.
//
// Chapter: chapters/05-packet-acquisition.rst (the log reader's drain).
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace twinos::machine {

/// A reference to a callable of type `Signature` (see the file comment).
template <class Signature>
class FunctionRef;

/// A reference to a callable taking `Args...` and returning `Result`:
/// the callable's address and a function that calls it.
template <class Result, class... Args>
class FunctionRef<Result(Args...)> {
public:
    /// Refer to `callable`, which must outlive this FunctionRef.
    template <class Callable>
    requires(!std::is_same_v<std::remove_cvref_t<Callable>, FunctionRef> &&
             std::is_invocable_r_v<Result, Callable&, Args...>)
        FunctionRef(Callable&& callable)  // NOLINT: converting, as a callable parameter should
        : object_(const_cast<void*>(static_cast<const void*>(std::addressof(callable)))),
          call_([](void* object, Args... args) -> Result {
              return (*static_cast<std::remove_reference_t<Callable>*>(object))(
                  std::forward<Args>(args)...);
          }) {}

    /// Call the callable.
    Result operator()(Args... args) const { return call_(object_, std::forward<Args>(args)...); }

private:
    void* object_;
    Result (*call_)(void*, Args...);
};

}  // namespace twinos::machine
