// The uniform assignor when members subscribe to different topics (Kafka's
// UniformHeterogeneousAssignmentBuilder, as rewritten for Kafka 4.0).
//
// Balance first, then stickiness, topic by topic:
//  1. each member keeps what it holds of the topics it still subscribes to;
//  2. the partitions nobody holds go, topic by topic, to the topic's least loaded subscribers
//     (topics with the most partitions per subscriber first, then those with fewer subscribers);
//  3. then, up to 16 passes over the topics, a topic whose subscribers differ by more than one
//     partition moves partitions from its most loaded subscribers to its least loaded ones, until
//     a whole pass moves nothing.
// Members are numbered in the coordinator's HashMap order of member ids; "least loaded" breaks
// ties by that number. Where Kafka breaks a tie between topics by topic id, ksim uses the name.
#include <algorithm>
#include <map>

#include "core/group/uniform_assignor.hpp"
#include "core/protocol/java_hashing.hpp"

namespace ksim::core {
namespace {

constexpr int kMaxBalancePasses = 16;  // Kafka's MAX_ITERATION_COUNT

class HeterogeneousBuilder {
 public:
  HeterogeneousBuilder(const std::vector<std::int32_t>& partitions, const std::vector<AssignorMemberSpec>& members)
      : partitions_(partitions), members_(members) {
    std::vector<std::int32_t> hashes;
    hashes.reserve(members.size());
    for (const AssignorMemberSpec& m : members) hashes.push_back(java_string_hash(m.member_id));
    input_of_.resize(members.size());
    const std::vector<std::size_t> order = java_hash_map_order(hashes);
    for (std::size_t index = 0; index < order.size(); ++index) input_of_[index] = order[index];
    sizes_.assign(members.size(), 0);
    owners_.resize(partitions.size());
    subscribers_.resize(partitions.size());
    for (std::size_t index = 0; index < input_of_.size(); ++index) {
      for (const std::int32_t t : members[input_of_[index]].subscribed) {
        const auto topic = static_cast<std::size_t>(t);
        if (subscribers_[topic].empty()) topics_.push_back(t);
        subscribers_[topic].push_back(static_cast<int>(index));
      }
    }
    for (const std::int32_t t : topics_) owners_[static_cast<std::size_t>(t)].assign(static_cast<std::size_t>(std::max(partitions[static_cast<std::size_t>(t)], 0)), -1);
  }

  ServerAssignment build() {
    ServerAssignment result;
    result.assignments.resize(members_.size());
    for (const std::int32_t t : topics_) {
      if (partitions_[static_cast<std::size_t>(t)] < 0) {
        result.error = "members subscribe to a topic the metadata does not have";
        result.assignments.clear();
        return result;
      }
    }
    keep_current();
    assign_unowned();
    balance();
    for (const std::int32_t t : topics_) {
      const std::vector<int>& owners = owners_[static_cast<std::size_t>(t)];
      for (std::size_t p = 0; p < owners.size(); ++p) {
        if (owners[p] >= 0) result.assignments[input_of_[static_cast<std::size_t>(owners[p])]].push_back({t, static_cast<std::int32_t>(p)});
      }
    }
    for (auto& list : result.assignments) std::sort(list.begin(), list.end());
    return result;
  }

 private:
  // Kafka's MemberAssignmentBalancer: the members of one topic sorted by load, with a range of the
  // least loaded growing rightwards and one of the most loaded growing leftwards.
  class Balancer {
   public:
    explicit Balancer(const std::vector<int>& sizes) : sizes_(sizes) {}

    int initialize(const std::vector<int>& members) {
      sorted_ = members;
      std::sort(sorted_.begin(), sorted_.end(), [this](int a, int b) {
        return sizes_[static_cast<std::size_t>(a)] != sizes_[static_cast<std::size_t>(b)]
                   ? sizes_[static_cast<std::size_t>(a)] < sizes_[static_cast<std::size_t>(b)]
                   : a < b;
      });
      const int n = static_cast<int>(sorted_.size());
      least_end_ = 0;
      least_count_ = size_at(0) - 1;
      next_least_ = 0;
      most_start_ = n;
      most_end_ = n;
      most_count_ = size_at(n - 1) + 1;
      next_most_ = n - 1;
      return size_at(n - 1) - size_at(0);
    }

    int next_least_loaded() {
      if (next_least_ >= least_end_) {
        ++least_count_;
        while (least_end_ < static_cast<int>(sorted_.size()) && size_at(least_end_) == least_count_) ++least_end_;
        next_least_ = 0;
      }
      return sorted_[static_cast<std::size_t>(next_least_++)];
    }

    int next_most_loaded() {
      if (next_most_ < most_start_) {
        if (most_end_ <= most_start_ && most_start_ > 0) {
          most_count_ = size_at(most_start_ - 1);  // emptied by exclusions: make sure it grows
        } else {
          --most_count_;
        }
        while (most_start_ > 0 && size_at(most_start_ - 1) == most_count_) --most_start_;
        next_most_ = most_end_ - 1;
      }
      if (next_most_ < 0) return -1;
      return sorted_[static_cast<std::size_t>(next_most_--)];
    }

    // The member next_most_loaded() returned has nothing of this topic to give up.
    void exclude_most_loaded() {
      std::swap(sorted_[static_cast<std::size_t>(next_most_ + 1)], sorted_[static_cast<std::size_t>(most_end_ - 1)]);
      --most_end_;
    }

    bool balanced() const { return most_count_ - least_count_ <= 1; }

   private:
    int size_at(int position) const { return sizes_[static_cast<std::size_t>(sorted_[static_cast<std::size_t>(position)])]; }

    const std::vector<int>& sizes_;
    std::vector<int> sorted_;
    int least_end_ = 0;
    int least_count_ = -1;
    int next_least_ = 0;
    int most_start_ = 0;
    int most_end_ = 0;
    int most_count_ = 1;
    int next_most_ = -1;
  };

  // Most partitions per subscriber first, then fewer subscribers, then by name.
  std::vector<std::int32_t> sorted_topics(std::vector<std::int32_t> topics) const {
    std::sort(topics.begin(), topics.end(), [this](std::int32_t a, std::int32_t b) {
      const double per_a = static_cast<double>(partitions_[static_cast<std::size_t>(a)]) /
                           static_cast<double>(subscribers_[static_cast<std::size_t>(a)].size());
      const double per_b = static_cast<double>(partitions_[static_cast<std::size_t>(b)]) /
                           static_cast<double>(subscribers_[static_cast<std::size_t>(b)].size());
      if (per_a != per_b) return per_a > per_b;
      const std::size_t subs_a = subscribers_[static_cast<std::size_t>(a)].size();
      const std::size_t subs_b = subscribers_[static_cast<std::size_t>(b)].size();
      if (subs_a != subs_b) return subs_a < subs_b;
      return a < b;
    });
    return topics;
  }

  void keep_current() {
    for (std::size_t index = 0; index < input_of_.size(); ++index) {
      const AssignorMemberSpec& m = members_[input_of_[index]];
      for (const TopicIndexPartition& tp : m.assigned) {
        const auto topic = static_cast<std::size_t>(tp.topic);
        const bool subscribed = std::binary_search(m.subscribed.begin(), m.subscribed.end(), tp.topic);
        if (!subscribed || topic >= owners_.size() || tp.partition < 0 ||
            static_cast<std::size_t>(tp.partition) >= owners_[topic].size()) {
          continue;
        }
        owners_[topic][static_cast<std::size_t>(tp.partition)] = static_cast<int>(index);
        ++sizes_[index];
      }
    }
  }

  void assign_unowned() {
    std::map<std::int32_t, std::vector<std::int32_t>> unowned;
    for (const std::int32_t t : topics_) {
      const std::vector<int>& owners = owners_[static_cast<std::size_t>(t)];
      for (std::size_t p = 0; p < owners.size(); ++p) {
        if (owners[p] < 0) unowned[t].push_back(static_cast<std::int32_t>(p));
      }
    }
    std::vector<std::int32_t> topics;
    for (const auto& [t, list] : unowned) topics.push_back(t);
    Balancer balancer(sizes_);
    for (const std::int32_t t : sorted_topics(topics)) {
      balancer.initialize(subscribers_[static_cast<std::size_t>(t)]);
      for (const std::int32_t p : unowned[t]) move(t, p, balancer.next_least_loaded());
    }
  }

  void balance() {
    std::vector<std::int32_t> topics;
    for (const std::int32_t t : topics_) {
      if (subscribers_[static_cast<std::size_t>(t)].size() >= 2) topics.push_back(t);
    }
    if (topics.empty()) return;
    topics = sorted_topics(topics);
    int last_moved = -1;  // the last topic that moved something: a pass back to it moving nothing ends
    Balancer balancer(sizes_);
    for (int pass = 0; pass < kMaxBalancePasses; ++pass) {
      for (int i = 0; i < static_cast<int>(topics.size()); ++i) {
        if (i == last_moved) return;
        const int moved = balance_topic(topics[static_cast<std::size_t>(i)], balancer);
        if (moved > 0 || last_moved == -1) last_moved = i;
      }
    }
  }

  int balance_topic(std::int32_t topic, Balancer& balancer) {
    const std::vector<int>& subscribers = subscribers_[static_cast<std::size_t>(topic)];
    if (balancer.initialize(subscribers) <= 1) return 0;
    std::vector<int>& owners = owners_[static_cast<std::size_t>(topic)];
    // The topic's partitions grouped by owner, and each owner's range in that list.
    std::vector<std::int32_t> by_owner(owners.size());
    for (std::size_t p = 0; p < owners.size(); ++p) by_owner[p] = static_cast<std::int32_t>(p);
    std::stable_sort(by_owner.begin(), by_owner.end(), [&owners](std::int32_t a, std::int32_t b) {
      return owners[static_cast<std::size_t>(a)] < owners[static_cast<std::size_t>(b)];
    });
    std::map<int, int> start;
    std::map<int, int> end;
    for (std::size_t i = 0; i < by_owner.size(); ++i) {
      const int owner = owners[static_cast<std::size_t>(by_owner[i])];
      start.emplace(owner, static_cast<int>(i));
      end[owner] = static_cast<int>(i) + 1;
    }
    int moved = 0;
    while (!balancer.balanced()) {
      int giver = -1;
      while (true) {
        giver = balancer.next_most_loaded();
        if (giver == -1) break;
        const auto e = end.find(giver);
        if (e == end.end() || e->second - start.at(giver) <= 0) {
          balancer.exclude_most_loaded();
          continue;
        }
        break;
      }
      if (giver == -1) break;
      const std::int32_t partition = by_owner[static_cast<std::size_t>(--end[giver])];
      const int taker = balancer.next_least_loaded();
      if (balancer.balanced()) break;
      move(topic, partition, taker);
      ++moved;
    }
    return moved;
  }

  void move(std::int32_t topic, std::int32_t partition, int member) {
    int& owner = owners_[static_cast<std::size_t>(topic)][static_cast<std::size_t>(partition)];
    if (owner >= 0) --sizes_[static_cast<std::size_t>(owner)];
    owner = member;
    ++sizes_[static_cast<std::size_t>(member)];
  }

  const std::vector<std::int32_t>& partitions_;
  const std::vector<AssignorMemberSpec>& members_;
  std::vector<std::size_t> input_of_;           // member number -> index in members_
  std::vector<int> sizes_;                      // partitions per member number
  std::vector<std::int32_t> topics_;            // the subscribed topics
  std::vector<std::vector<int>> owners_;        // per topic, per partition: member number, -1 none
  std::vector<std::vector<int>> subscribers_;   // per topic: member numbers, ascending
};

}  // namespace

ServerAssignment assign_uniform_heterogeneous(const std::vector<std::int32_t>& partitions,
                                              const std::vector<AssignorMemberSpec>& members) {
  return HeterogeneousBuilder(partitions, members).build();
}

}  // namespace ksim::core
