#include <catch2/catch.hpp>

#include "core/check/percentile_samples.hpp"
#include "core/scenario/figures.hpp"

using namespace ksim::core;

TEST_CASE("percentile samples: the nearest-rank percentile, the same as of one sorted vector", "[core][check]") {
  PercentileSamples samples;
  CHECK(samples.percentile(0.5) == 0);  // none yet
  std::vector<double> all;
  for (int i = 0; i < 101; ++i) {
    const double v = (i * 37) % 101;  // 0..100 in a scrambled order
    samples.add(v);
    all.push_back(v);
    if (i % 10 == 0) {  // asked for in between: the later values merge into the sorted ones
      CHECK(samples.percentile(0.5) == percentile(all, 0.5));
      CHECK(samples.percentile(0.99) == percentile(all, 0.99));
    }
  }
  CHECK(samples.percentile(0.5) == 50);
  CHECK(samples.percentile(0.99) == 99);
  CHECK(samples.percentile(0) == 0);
  CHECK(samples.percentile(1) == 100);
}

TEST_CASE("percentile samples: a withdrawn value no longer counts", "[core][check]") {
  PercentileSamples samples;
  for (const double v : {5.0, 1.0, 9.0, 5.0}) samples.add(v);
  CHECK(samples.size() == 4);
  samples.remove(5);
  samples.remove(9);
  CHECK(samples.size() == 2);  // one of the two fives stays
  CHECK(samples.percentile(1) == 5);
  CHECK(samples.percentile(0) == 1);
}

TEST_CASE("percentile samples: values given for one question count with their multiplicity", "[core][check]") {
  PercentileSamples samples;
  std::vector<double> all;
  for (const double v : {3.0, 1.0, 8.0}) {
    samples.add(v);
    all.push_back(v);
  }
  const std::vector<std::pair<double, std::int64_t>> waiting{{5.0, 3}, {2.0, 1}, {9.0, 2}};
  for (const auto& [value, count] : waiting) all.insert(all.end(), static_cast<std::size_t>(count), value);
  for (const double p : {0.0, 0.3, 0.5, 0.75, 0.99, 1.0}) CHECK(samples.percentile_with(p, waiting) == percentile(all, p));
  const Quantiles both = samples.quantiles_with(waiting);
  CHECK(both.p50 == percentile(all, 0.50));
  CHECK(both.p99 == percentile(all, 0.99));
  CHECK(samples.percentile(1) == 8);  // the questions left nothing behind
  CHECK(PercentileSamples{}.percentile_with(0.5, {}) == 0);
  CHECK(PercentileSamples{}.percentile_with(0.5, {{4.0, 2}}) == 4);
}
