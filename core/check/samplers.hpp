// Samplers: figures that come from looking at the cluster at a fixed interval rather than from
// its events, each a small class the runner calls on its sampling timer.
//
//   AvailabilitySampler  how long each partition had no live leader (unavailable_ms[T-P],
//                        max_unavailable_ms): the controller names none, or names a broker that
//                        does not act as its leader (its process is down, or restarted and not
//                        yet told): clients cannot produce to or fetch from it
//   LagSampler           each group's largest lag seen (max_lag[G]): log end minus committed
//                        offset, summed over the group's partitions
//   QuorumSampler        the metadata quorum: how often the active controller changed, how long
//                        there was none (after the first took office), and the highest epoch
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/cluster/cluster.hpp"

namespace ksim::core {

class AvailabilitySampler {
 public:
  explicit AvailabilitySampler(sim::Duration every) : every_(every) {}
  // One look at every partition but the internal offsets topic's: those without a live leader
  // count the sampling interval.
  void sample(const Cluster& cluster);
  // Per partition that was ever without a live leader.
  const std::map<TopicPartition, sim::Duration>& unavailable() const { return unavailable_; }

 private:
  sim::Duration every_;
  std::map<TopicPartition, sim::Duration> unavailable_;
};

class LagSampler {
 public:
  explicit LagSampler(sim::Duration every) : every_(every) {}
  // Looks at the groups' lag when `every` has passed since the last look.
  void maybe_sample(const Cluster& cluster, sim::Time now, const std::vector<std::string>& groups);
  // The largest lag seen for the group; 0 if never seen.
  std::int64_t max_lag(const std::string& group) const;

 private:
  sim::Duration every_;
  sim::Time last_;
  std::map<std::string, std::int64_t> max_lag_;
};

class QuorumSampler {
 public:
  explicit QuorumSampler(sim::Duration every) : every_(every) {}
  void sample(const Cluster& cluster);
  // Activations after the first: a controller taking over from another, or from itself in a
  // new epoch.
  std::int64_t active_controller_changes() const { return changes_; }
  // Time without an active controller after the first one took office.
  sim::Duration without_active_controller() const { return without_; }
  // The highest leader epoch any controller has reached (a voter that keeps standing for
  // election raises it too).
  LeaderEpoch highest_epoch() const { return highest_epoch_; }

 private:
  sim::Duration every_;
  std::optional<LeaderEpoch> last_active_epoch_;
  std::int64_t changes_ = 0;
  sim::Duration without_;
  LeaderEpoch highest_epoch_;
};

}  // namespace ksim::core
