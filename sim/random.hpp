// Seeded randomness: one root seed per run, independent named streams, our own distributions.
//
// A stream's seed is a pure function of the root seed and the stream's name, so adding a stream
// (a new producer, a new node) never changes what any other stream draws. The generator is
// xoshiro256** seeded through splitmix64; the distributions are written here rather than taken
// from <random>, whose distributions give different numbers on different standard libraries.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace ksim::sim {

// splitmix64: a fast 64-bit mixer, used to expand seeds and to hash names.
std::uint64_t splitmix64(std::uint64_t& state);
// FNV-1a 64 of a name, the first step of deriving a stream seed from it.
std::uint64_t hash_name(std::string_view name);

class Rng {
 public:
  explicit Rng(std::uint64_t seed);
  // Starts from a raw generator state (not all zero); for checking against reference vectors.
  static Rng from_state(const std::array<std::uint64_t, 4>& state);

  // The raw generator: 64 uniformly random bits (xoshiro256**).
  std::uint64_t next_u64();

  // Uniform integer in [lo, hi], both included, without modulo bias (Lemire's method).
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi);
  // Uniform in [0, n); n must be positive.
  std::uint64_t below(std::uint64_t n);
  // Uniform real in [0, 1) with 53 random bits.
  double uniform01();
  double uniform_real(double lo, double hi) { return lo + (hi - lo) * uniform01(); }
  // True with probability p (p <= 0 never, p >= 1 always).
  bool bernoulli(double p);
  // Exponentially distributed with the given mean (inverse transform).
  double exponential(double mean);
  // Normally distributed (Marsaglia's polar method; the spare value is kept for the next call).
  double normal(double mean, double stddev);

 private:
  Rng() = default;
  std::array<std::uint64_t, 4> s_{};
  bool has_spare_normal_ = false;
  double spare_normal_ = 0.0;
};

// Zipf-distributed ranks in [1, n]: P(k) is proportional to 1 / k^s. Used for hot keys, where a
// few keys take most of the traffic. Rejection-inversion sampling (Hörmann and Derflinger, 1996):
// constant time and memory for any n, with no table of n probabilities.
class Zipf {
 public:
  Zipf(std::uint64_t n, double exponent);
  std::uint64_t operator()(Rng& rng) const;
  std::uint64_t n() const { return n_; }
  double exponent() const { return s_; }

 private:
  double h(double x) const;  // the density x^-s
  double big_h(double x) const;  // an antiderivative of h
  double big_h_inverse(double x) const;

  std::uint64_t n_;
  double s_;
  double h_integral_x1_;
  double h_integral_n_;
  double shortcut_;
};

// The run's root of randomness. `stream(name)` hands out the generator for one named purpose.
class RandomSource {
 public:
  explicit RandomSource(std::uint64_t root_seed) : root_seed_(root_seed) {}
  std::uint64_t root_seed() const { return root_seed_; }
  Rng stream(std::string_view name) const;
  std::uint64_t stream_seed(std::string_view name) const;

 private:
  std::uint64_t root_seed_;
};

}  // namespace ksim::sim
