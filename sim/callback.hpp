// Callback: a move-only `void()` callable stored inline, never on the heap.
//
// Every scheduled event holds one, so it must not allocate: the callable's captures live in a
// fixed buffer of kCapacity bytes (five words), checked at compile time. The size is chosen so
// that a scheduler slot (sequence number, guard, callback) fills exactly one 64-byte cache line. A lambda that needs more should keep
// its data elsewhere (in the node that owns it) and capture a pointer or an index.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

namespace ksim::sim {

class Callback {
 public:
  static constexpr std::size_t kCapacity = 40;

  Callback() = default;

  template <typename F, typename Fn = std::decay_t<F>,
            typename = std::enable_if_t<!std::is_same_v<Fn, Callback>>>
  Callback(F&& f) {  // NOLINT(google-explicit-constructor): lambdas convert implicitly
    construct(std::forward<F>(f));
  }

  // Replaces the held callable with `f`, built in place (no intermediate Callback is moved).
  template <typename F, typename Fn = std::decay_t<F>,
            typename = std::enable_if_t<!std::is_same_v<Fn, Callback>>>
  void emplace(F&& f) {
    reset();
    construct(std::forward<F>(f));
  }

  Callback(Callback&& other) noexcept { take(other); }
  Callback& operator=(Callback&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  Callback(const Callback&) = delete;
  Callback& operator=(const Callback&) = delete;
  ~Callback() { reset(); }


  explicit operator bool() const { return ops_ != nullptr; }
  void operator()() { ops_->invoke(storage_); }

  void reset() {
    if (ops_ != nullptr && ops_->destroy != nullptr) ops_->destroy(storage_);
    ops_ = nullptr;
  }

 private:
  struct Ops {
    void (*invoke)(void*);
    // Null when the callable is trivially copyable: moving is a memcpy and destroying is nothing,
    // which keeps the scheduler's hot path free of indirect calls for plain captures.
    void (*move_to)(void* from, void* to);
    void (*destroy)(void*);
    std::size_t size;  // bytes to copy when move_to is null
  };

  template <typename Fn>
  static constexpr bool kTrivial =
      std::is_trivially_copyable_v<Fn> && std::is_trivially_destructible_v<Fn>;

  template <typename Fn>
  static constexpr Ops kOpsFor{
      [](void* self) { (*static_cast<Fn*>(self))(); },
      kTrivial<Fn> ? nullptr
                   : +[](void* from, void* to) {
                       ::new (to) Fn(std::move(*static_cast<Fn*>(from)));
                       static_cast<Fn*>(from)->~Fn();
                     },
      kTrivial<Fn> ? nullptr : +[](void* self) { static_cast<Fn*>(self)->~Fn(); },
      std::is_empty_v<Fn> ? 0 : sizeof(Fn),  // an empty lambda has nothing to copy
  };

  template <typename F, typename Fn = std::decay_t<F>>
  void construct(F&& f) {
    static_assert(std::is_invocable_r_v<void, Fn&>, "a Callback takes no arguments");
    static_assert(sizeof(Fn) <= kCapacity,
                  "the lambda captures too much for an event: capture a pointer or an index");
    static_assert(alignof(Fn) <= 8, "captures aligned beyond 8 bytes do not fit the buffer");
    static_assert(std::is_nothrow_move_constructible_v<Fn>, "captures must move without throwing");
    ::new (static_cast<void*>(storage_)) Fn(std::forward<F>(f));
    ops_ = &kOpsFor<Fn>;
  }

  void take(Callback& other) noexcept {
    ops_ = other.ops_;
    if (ops_ == nullptr) return;
    if (ops_->move_to != nullptr) {
      ops_->move_to(other.storage_, storage_);
    } else {
      __builtin_memcpy(storage_, other.storage_, ops_->size);
    }
    other.ops_ = nullptr;
  }

  alignas(8) unsigned char storage_[kCapacity];
  const Ops* ops_ = nullptr;
};

}  // namespace ksim::sim
