// PercentileSamples: values (latencies) whose percentiles are asked for again and again while
// more arrive. New values wait in a pending list; a question sorts only those and merges them
// into the sorted ones, so asking costs in proportion to what came since the last question, not
// to everything seen. A value can also be withdrawn (a record first processed earlier than
// thought replaces its latency).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace ksim::core {

// The nearest-rank rule every percentile figure uses: the value at rank round(p * (n - 1)) of the
// n sorted values (0 for none). Shared, so that a figure reads the same however it was gathered.
std::size_t percentile_rank(std::size_t count, double p);

// The two percentiles the latency figures report.
struct Quantiles {
  double p50 = 0;
  double p99 = 0;
};

class PercentileSamples {
 public:
  void add(double value) { added_.push_back(value); }
  // Withdraws one copy of a value added before (asserted).
  void remove(double value) { removed_.push_back(value); }
  // The p-th percentile (0..1) of the values now held, by percentile_rank; 0 when none.
  double percentile(double p) const;
  // The same over the values held and, for the question only, `extra` values: (value, how many
  // times), in any order (records still waiting, counted at their wait so far).
  double percentile_with(double p, std::vector<std::pair<double, std::int64_t>> extra) const;
  // p50 and p99 the same way, sorting `extra` once for both.
  Quantiles quantiles_with(std::vector<std::pair<double, std::int64_t>> extra) const;
  std::size_t size() const;

 private:
  // The p-th percentile over the values held and `extra`, sorted by value.
  double percentile_over(double p, const std::vector<std::pair<double, std::int64_t>>& extra) const;
  // Folds the pending additions and withdrawals into `sorted_`.
  void settle() const;

  mutable std::vector<double> sorted_;
  mutable std::vector<double> added_;
  mutable std::vector<double> removed_;
};

}  // namespace ksim::core
