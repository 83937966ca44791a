#include "core/client/sticky_assignor.hpp"

#include <algorithm>
#include <list>
#include <set>
#include <stdexcept>
#include <optional>

#include "core/protocol/java_hashing.hpp"

namespace ksim::core {
namespace {

constexpr int kNone = -1;
constexpr std::int32_t kUnknownGeneration = -1;

// The assignment problem with members and partitions numbered: members in the order given,
// partitions topic by topic (topics in name order), partition numbers ascending.
class Problem {
 public:
  Problem(const std::vector<MemberSubscription>& members, const std::map<std::string, std::int32_t>& partitions_per_topic)
      : members_(members) {
    std::set<std::string> subscribed;
    for (const MemberSubscription& m : members) subscribed.insert(m.topics.begin(), m.topics.end());
    for (const auto& [topic, count] : partitions_per_topic) {
      if (subscribed.count(topic) == 0U || count <= 0) continue;  // Java assigns subscribed topics only
      topic_index_[topic] = static_cast<int>(topics_.size());
      topics_.push_back(Topic{topic, static_cast<int>(partitions_.size()), count});
      for (std::int32_t p = 0; p < count; ++p) {
        partitions_.push_back(TopicPartition{topic, p});
        topic_of_.push_back(static_cast<int>(topics_.size()) - 1);
      }
    }
    std::vector<std::int32_t> hashes;
    for (const MemberSubscription& m : members) hashes.push_back(java_string_hash(m.member_id));
    for (const std::size_t i : java_hash_map_order(hashes)) java_order_.push_back(static_cast<int>(i));
    std::vector<int> by_id(members.size());
    for (std::size_t i = 0; i < members.size(); ++i) by_id[i] = static_cast<int>(i);
    std::sort(by_id.begin(), by_id.end(), [&](int a, int b) { return member_id(a) < member_id(b); });
    rank_.resize(members.size());
    for (std::size_t r = 0; r < by_id.size(); ++r) rank_[static_cast<std::size_t>(by_id[r])] = static_cast<int>(r);
    subscribed_topics_.resize(members.size());
    for (std::size_t i = 0; i < members.size(); ++i) {
      for (const std::string& topic : members[i].topics) {
        const int t = topic_id(topic);
        if (t != kNone && std::find(subscribed_topics_[i].begin(), subscribed_topics_[i].end(), t) ==
                              subscribed_topics_[i].end()) {
          subscribed_topics_[i].push_back(t);
        }
      }
    }
  }

  struct Topic {
    std::string name;
    int first;
    int count;
  };

  int member_count() const { return static_cast<int>(members_.size()); }
  int partition_count() const { return static_cast<int>(partitions_.size()); }
  const std::string& member_id(int m) const { return members_[static_cast<std::size_t>(m)].member_id; }
  std::int32_t generation(int m) const { return members_[static_cast<std::size_t>(m)].generation; }
  bool has_generation(int m) const { return generation(m) != kUnknownGeneration; }
  // Member-id order (String.compareTo for ASCII ids).
  int rank(int m) const { return rank_[static_cast<std::size_t>(m)]; }
  // The order Java iterates its Map<String, Subscription>.
  const std::vector<int>& java_order() const { return java_order_; }
  const std::vector<Topic>& topics() const { return topics_; }
  int topic_of(int p) const { return topic_of_[static_cast<std::size_t>(p)]; }
  const TopicPartition& partition(int p) const { return partitions_[static_cast<std::size_t>(p)]; }
  std::int32_t partition_number(int p) const { return partition(p).partition; }
  std::int32_t partition_hash(int p) const {
    return java_topic_partition_hash(partition(p).topic, partition(p).partition);
  }
  int topic_id(const std::string& topic) const {
    const auto it = topic_index_.find(topic);
    return it == topic_index_.end() ? kNone : it->second;
  }
  int partition_id(const TopicPartition& tp) const {
    const int t = topic_id(tp.topic);
    if (t == kNone || tp.partition < 0 || tp.partition >= topics_[static_cast<std::size_t>(t)].count) return kNone;
    return topics_[static_cast<std::size_t>(t)].first + tp.partition;
  }
  const std::vector<int>& subscribed_topics(int m) const { return subscribed_topics_[static_cast<std::size_t>(m)]; }
  bool subscribes(int m, int topic) const {
    const auto& list = subscribed_topics(m);
    return std::find(list.begin(), list.end(), topic) != list.end();
  }
  // The member's claimed partitions that exist, in the order it listed them.
  std::vector<int> claimed(int m) const {
    std::vector<int> out;
    for (const TopicPartition& tp : members_[static_cast<std::size_t>(m)].owned) {
      const int p = partition_id(tp);
      if (p != kNone) out.push_back(p);
    }
    return out;
  }
  bool all_subscriptions_equal() const {
    std::set<std::string> first;
    for (const int m : java_order_) {
      const std::set<std::string> mine(members_[static_cast<std::size_t>(m)].topics.begin(),
                                       members_[static_cast<std::size_t>(m)].topics.end());
      if (first.empty()) {
        first = mine;
      } else if (mine != first) {
        return false;
      }
    }
    return true;
  }

  GroupAssignment to_assignment(const std::vector<std::vector<int>>& lists) const {
    GroupAssignment out;
    for (int m = 0; m < member_count(); ++m) {
      auto& list = out[member_id(m)];
      for (const int p : lists[static_cast<std::size_t>(m)]) list.push_back(partition(p));
    }
    return out;
  }

 private:
  const std::vector<MemberSubscription>& members_;
  std::vector<Topic> topics_;
  std::map<std::string, int> topic_index_;
  std::vector<TopicPartition> partitions_;
  std::vector<int> topic_of_;
  std::vector<int> java_order_;
  std::vector<int> rank_;
  std::vector<std::vector<int>> subscribed_topics_;
};

// Who owned what before, once conflicting claims are settled: the higher generation keeps a
// partition two members claim; in the same generation neither keeps it.
struct PreviousOwnership {
  std::vector<std::vector<int>> owned;  // per member, in its claimed order
  std::set<int> claimed_by_several;     // claimed twice in one generation
  std::int32_t max_generation = kUnknownGeneration;
};

PreviousOwnership settle_ownership(const Problem& problem) {
  PreviousOwnership result;
  result.owned.resize(static_cast<std::size_t>(problem.member_count()));
  std::vector<int> owner_of(static_cast<std::size_t>(problem.partition_count()), kNone);
  for (const int m : problem.java_order()) {
    const std::int32_t generation = problem.generation(m);
    result.max_generation = std::max(result.max_generation, generation);
    auto& mine = result.owned[static_cast<std::size_t>(m)];
    for (const int p : problem.claimed(m)) {
      int& other = owner_of[static_cast<std::size_t>(p)];
      if (other == kNone) {
        mine.push_back(p);
        other = m;
        continue;
      }
      const std::int32_t other_generation = problem.generation(other);
      auto& theirs = result.owned[static_cast<std::size_t>(other)];
      if (generation == other_generation) {
        result.claimed_by_several.insert(p);
        if (const auto it = std::find(theirs.begin(), theirs.end(), p); it != theirs.end()) theirs.erase(it);
        other = m;
      } else if (generation > other_generation) {
        mine.push_back(p);
        if (const auto it = std::find(theirs.begin(), theirs.end(), p); it != theirs.end()) theirs.erase(it);
        other = m;
      }
    }
  }
  return result;
}

// --- Every member subscribes to the same topics ---------------------------------------------

class ConstrainedAssignment {
 public:
  ConstrainedAssignment(const Problem& problem, PreviousOwnership previous)
      : problem_(problem),
        previous_(std::move(previous)),
        assignment_(static_cast<std::size_t>(problem.member_count())),
        transfer_to_(static_cast<std::size_t>(problem.partition_count()), kNone),
        revoked_(static_cast<std::size_t>(problem.partition_count()), false) {
    const int members = problem.member_count();
    const int partitions = problem.partition_count();
    min_quota_ = partitions / members;
    max_quota_ = (partitions + members - 1) / members;
    expected_over_min_ = partitions % members;
  }

  std::vector<std::vector<int>> build() {
    std::vector<bool> assigned(static_cast<std::size_t>(problem_.partition_count()), false);
    keep_owned(assigned);
    std::vector<int> unassigned;
    for (int p = 0; p < problem_.partition_count(); ++p) {
      if (!assigned[static_cast<std::size_t>(p)]) unassigned.push_back(p);
    }
    const auto by_id = [this](int a, int b) { return problem_.rank(a) < problem_.rank(b); };
    under_min_.sort(by_id);
    at_min_.sort(by_id);
    deal_round_robin(unassigned);
    return std::move(assignment_);
  }

  // Partitions handed to a new owner while the old one still holds them.
  const std::vector<int>& transfer_to() const { return transfer_to_; }

 private:
  void keep_owned(std::vector<bool>& assigned) {
    for (const int m : problem_.java_order()) {
      std::vector<int> owned = previous_.owned[static_cast<std::size_t>(m)];
      std::sort(owned.begin(), owned.end(), [this](int a, int b) {
        const std::int32_t pa = problem_.partition_number(a);
        const std::int32_t pb = problem_.partition_number(b);
        return pa != pb ? pa < pb : problem_.partition(a).topic < problem_.partition(b).topic;
      });
      std::erase_if(owned, [this](int p) { return previous_.claimed_by_several.count(p) != 0U; });
      const auto size = static_cast<int>(owned.size());
      int keep = 0;
      if (size < min_quota_) {
        keep = size;
        under_min_.push_back(m);
      } else if (size >= max_quota_ && over_min_ < expected_over_min_) {
        keep = max_quota_;
        if (++over_min_ == expected_over_min_) at_min_.clear();
      } else {
        keep = min_quota_;
        if (over_min_ < expected_over_min_) at_min_.push_back(m);
      }
      for (int i = 0; i < size; ++i) {
        const int p = owned[static_cast<std::size_t>(i)];
        if (i < keep) {
          assignment_[static_cast<std::size_t>(m)].push_back(p);
          assigned[static_cast<std::size_t>(p)] = true;
        } else {
          revoked_[static_cast<std::size_t>(p)] = true;
        }
      }
    }
  }

  // Members under minQuota take one partition each in turn; once none is left under it, the
  // members at exactly minQuota take one more each, until the partitions run out.
  void deal_round_robin(const std::vector<int>& unassigned) {
    auto next = under_min_.begin();
    for (const int p : unassigned) {
      std::list<int>::iterator current;
      int member = kNone;
      bool from_under_min = true;
      if (next != under_min_.end()) {
        current = next++;
      } else if (under_min_.empty() && at_min_.empty()) {
        throw std::logic_error("sticky assignor: partitions left but every member is full");
      } else if (under_min_.empty()) {
        member = at_min_.front();
        at_min_.pop_front();
        from_under_min = false;
      } else {
        next = under_min_.begin();
        current = next++;
      }
      if (from_under_min) member = *current;
      auto& list = assignment_[static_cast<std::size_t>(member)];
      list.push_back(p);
      if (revoked_[static_cast<std::size_t>(p)] || previous_.claimed_by_several.count(p) != 0U) {
        transfer_to_[static_cast<std::size_t>(p)] = member;
      }
      const auto count = static_cast<int>(list.size());
      if (count == min_quota_ && from_under_min) {
        under_min_.erase(current);
        at_min_.push_back(member);
      } else if (count == max_quota_) {
        ++over_min_;
      }
    }
  }

  const Problem& problem_;
  PreviousOwnership previous_;
  std::vector<std::vector<int>> assignment_;
  std::vector<int> transfer_to_;
  std::vector<bool> revoked_;
  std::list<int> under_min_;  // members below minQuota
  std::list<int> at_min_;     // members at minQuota that may still take one more
  int min_quota_ = 0;
  int max_quota_ = 0;
  int expected_over_min_ = 0;
  int over_min_ = 0;
};

// --- Subscriptions differ -------------------------------------------------------------------

// Which partitions moved between which two members during the balancing, per topic, so that a
// partition moving back along a path another partition of its topic took is swapped for that
// one instead (moving partitions of one topic back and forth between two members is pointless).
class PartitionMovements {
 public:
  explicit PartitionMovements(const Problem& problem)
      : problem_(problem), moves_(static_cast<std::size_t>(problem.partition_count())) {}

  int partition_to_move(int p, int from, int to) const {
    const int topic = problem_.topic_of(p);
    const auto by_topic = by_topic_.find(topic);
    if (by_topic == by_topic_.end()) return p;
    if (const auto& moved = moves_[static_cast<std::size_t>(p)]) from = moved->first;
    const auto reverse = by_topic->second.find({to, from});
    if (reverse == by_topic->second.end()) return p;
    return reverse->second.first();
  }

  void move(int p, int from, int to) {
    if (const auto moved = moves_[static_cast<std::size_t>(p)]) {
      const std::pair<int, int> earlier = *moved;
      remove_record(p);
      if (earlier.first != to) add_record(p, {earlier.first, to});
    } else {
      add_record(p, {from, to});
    }
  }

 private:
  void add_record(int p, std::pair<int, int> pair) {
    moves_[static_cast<std::size_t>(p)] = pair;
    by_topic_[problem_.topic_of(p)][pair].add(p, problem_.partition_hash(p));
  }
  void remove_record(int p) {
    const std::pair<int, int> pair = *moves_[static_cast<std::size_t>(p)];
    moves_[static_cast<std::size_t>(p)].reset();
    auto& for_topic = by_topic_[problem_.topic_of(p)];
    auto& set = for_topic[pair];
    set.remove(p);
    if (set.empty()) for_topic.erase(pair);
    if (for_topic.empty()) by_topic_.erase(problem_.topic_of(p));
  }

  const Problem& problem_;
  std::vector<std::optional<std::pair<int, int>>> moves_;  // per partition: (first source, destination)
  std::map<int, std::map<std::pair<int, int>, JavaHashSetOrder>> by_topic_;
};

class GeneralAssignment {
 public:
  GeneralAssignment(const Problem& problem, PreviousOwnership previous)
      : problem_(problem),
        previous_(std::move(previous)),
        current_(previous_.owned),
        participating_(static_cast<std::size_t>(problem.member_count()), true),
        owner_(static_cast<std::size_t>(problem.partition_count()), kNone),
        listed_owner_(static_cast<std::size_t>(problem.partition_count()), kNone),
        movements_(problem),
        by_load_(LoadOrder{this}) {
    potential_.resize(problem.topics().size());
    for (const int m : problem.java_order()) {
      for (const int t : problem.subscribed_topics(m)) potential_[static_cast<std::size_t>(t)].push_back(m);
    }
    std::vector<int> topic_order(problem.topics().size());
    for (std::size_t t = 0; t < topic_order.size(); ++t) topic_order[t] = static_cast<int>(t);
    std::sort(topic_order.begin(), topic_order.end(), [this](int a, int b) {
      const std::size_t ca = potential_[static_cast<std::size_t>(a)].size();
      const std::size_t cb = potential_[static_cast<std::size_t>(b)].size();
      return ca != cb ? ca < cb : problem_.topics()[static_cast<std::size_t>(a)].name <
                                      problem_.topics()[static_cast<std::size_t>(b)].name;
    });
    for (const int t : topic_order) {
      const Problem::Topic& topic = problem.topics()[static_cast<std::size_t>(t)];
      for (int i = 0; i < topic.count; ++i) all_partitions_.push_back(topic.first + i);
    }
    for (const int m : problem.java_order()) {
      for (const int p : current_[static_cast<std::size_t>(m)]) listed_owner_[static_cast<std::size_t>(p)] = m;
    }
  }

  std::vector<std::vector<int>> build() {
    remember_previous_generation();
    std::vector<bool> kept = keep_owned();
    std::vector<int> unassigned;
    for (const int p : all_partitions_) {
      if (!kept[static_cast<std::size_t>(p)]) unassigned.push_back(p);
    }
    for (int m = 0; m < problem_.member_count(); ++m) by_load_.insert(m);
    balance(unassigned);
    return std::move(current_);
  }

 private:
  struct LoadOrder {
    const GeneralAssignment* self;
    bool operator()(int a, int b) const {
      const std::size_t sa = self->current_[static_cast<std::size_t>(a)].size();
      const std::size_t sb = self->current_[static_cast<std::size_t>(b)].size();
      return sa != sb ? sa < sb : self->problem_.rank(a) < self->problem_.rank(b);
    }
  };

  std::size_t load(int m) const { return current_[static_cast<std::size_t>(m)].size(); }

  // The owner of each partition in the generation before the newest one, where known.
  void remember_previous_generation() {
    for (const int m : problem_.java_order()) {
      std::int32_t generation = 0;
      if (problem_.has_generation(m) && problem_.generation(m) < previous_.max_generation) {
        generation = problem_.generation(m);
      } else if (!problem_.has_generation(m) && previous_.max_generation > kUnknownGeneration) {
        generation = kUnknownGeneration;
      } else {
        continue;
      }
      for (const int p : problem_.claimed(m)) {
        const auto it = previous_owner_.find(p);
        if (it == previous_owner_.end() || generation > it->second.second) previous_owner_[p] = {m, generation};
      }
    }
  }

  // Owned partitions stay with members still subscribed to their topic.
  std::vector<bool> keep_owned() {
    std::vector<bool> kept(static_cast<std::size_t>(problem_.partition_count()), false);
    for (int m = 0; m < problem_.member_count(); ++m) {
      auto& list = current_[static_cast<std::size_t>(m)];
      std::erase_if(list, [&](int p) {
        if (problem_.subscribes(m, problem_.topic_of(p))) return false;
        revocation_required_ = true;
        return true;
      });
      for (const int p : list) {
        kept[static_cast<std::size_t>(p)] = true;
        owner_[static_cast<std::size_t>(p)] = m;
      }
    }
    return kept;
  }

  void balance(std::vector<int> unassigned) {
    const bool initializing = current_[static_cast<std::size_t>(*by_load_.rbegin())].empty();
    for (const int p : unassigned) {
      for (const int m : by_load_) {
        if (!problem_.subscribes(m, problem_.topic_of(p))) continue;
        give(p, m);
        break;
      }
    }
    // Partitions of topics only one member may take, and members that cannot gain or lose,
    // stay out of the balancing.
    const auto movable_topic = [this](int t) { return potential_[static_cast<std::size_t>(t)].size() >= 2; };
    std::erase_if(all_partitions_, [&](int p) { return !movable_topic(problem_.topic_of(p)); });
    std::erase_if(unassigned, [&](int p) { return !movable_topic(problem_.topic_of(p)); });
    for (int m = 0; m < problem_.member_count(); ++m) {
      bool can_move = load(m) < max_assignment(m);
      for (const int p : current_[static_cast<std::size_t>(m)]) can_move = can_move || movable_topic(problem_.topic_of(p));
      if (!can_move) {
        by_load_.erase(m);
        participating_[static_cast<std::size_t>(m)] = false;
      }
    }
    const std::vector<std::vector<int>> before = current_;
    const std::vector<int> owners_before = owner_;
    if (!revocation_required_) reassign(unassigned);
    const bool reassigned = reassign(all_partitions_);
    if (!initializing && reassigned && balance_score() >= balance_score_of(before)) {
      current_ = before;
      owner_ = owners_before;
    }
  }

  void give(int p, int m) {
    by_load_.erase(m);
    current_[static_cast<std::size_t>(m)].push_back(p);
    owner_[static_cast<std::size_t>(p)] = m;
    listed_owner_[static_cast<std::size_t>(p)] = m;
    by_load_.insert(m);
  }

  std::size_t max_assignment(int m) const {
    std::size_t total = 0;
    for (const int t : problem_.subscribed_topics(m)) {
      total += static_cast<std::size_t>(problem_.topics()[static_cast<std::size_t>(t)].count);
    }
    return total;
  }

  // Balanced: loads differ by at most one, or no member could take a partition from a member
  // holding two or more than it.
  bool balanced() const {
    if (by_load_.empty() || load(*by_load_.begin()) + 1 >= load(*by_load_.rbegin())) return true;
    for (const int m : by_load_) {
      const std::size_t mine = load(m);
      if (mine == max_assignment(m)) continue;
      for (const int t : problem_.subscribed_topics(m)) {
        const Problem::Topic& topic = problem_.topics()[static_cast<std::size_t>(t)];
        for (int p = topic.first; p < topic.first + topic.count; ++p) {
          const int other = owner_[static_cast<std::size_t>(p)];
          if (other == m || other == kNone || !participating_[static_cast<std::size_t>(other)]) continue;
          if (mine + 1 < load(other)) return false;
        }
      }
    }
    return true;
  }

  bool reassign(const std::vector<int>& partitions) {
    bool reassigned = false;
    bool modified = true;
    while (modified) {
      modified = false;
      for (const int p : partitions) {
        if (balanced()) break;
        const int member = listed_owner_[static_cast<std::size_t>(p)];
        if (const auto previous = previous_owner_.find(p); previous != previous_owner_.end()) {
          const int earlier = previous->second.first;
          if (participating_[static_cast<std::size_t>(earlier)] && load(member) > load(earlier) + 1) {
            move(p, earlier);
            reassigned = modified = true;
            continue;
          }
        }
        for (const int other : potential_[static_cast<std::size_t>(problem_.topic_of(p))]) {
          if (participating_[static_cast<std::size_t>(other)] && load(member) > load(other) + 1) {
            move_to_least_loaded(p);
            reassigned = modified = true;
            break;
          }
        }
      }
    }
    return reassigned;
  }

  void move_to_least_loaded(int p) {
    for (const int m : by_load_) {
      if (problem_.subscribes(m, problem_.topic_of(p))) {
        move(p, m);
        return;
      }
    }
  }

  void move(int p, int to) {
    const int chosen = movements_.partition_to_move(p, listed_owner_[static_cast<std::size_t>(p)], to);
    const int from = listed_owner_[static_cast<std::size_t>(chosen)];
    by_load_.erase(from);
    by_load_.erase(to);
    movements_.move(chosen, from, to);
    auto& source = current_[static_cast<std::size_t>(from)];
    if (const auto it = std::find(source.begin(), source.end(), chosen); it != source.end()) source.erase(it);
    current_[static_cast<std::size_t>(to)].push_back(chosen);
    owner_[static_cast<std::size_t>(chosen)] = to;
    listed_owner_[static_cast<std::size_t>(chosen)] = to;
    by_load_.insert(to);
    by_load_.insert(from);
  }

  // The sum over every pair of participating members of their difference in load.
  std::int64_t balance_score_of(const std::vector<std::vector<int>>& lists) const {
    std::vector<std::int64_t> loads;
    for (int m = 0; m < problem_.member_count(); ++m) {
      if (participating_[static_cast<std::size_t>(m)]) loads.push_back(static_cast<std::int64_t>(lists[static_cast<std::size_t>(m)].size()));
    }
    std::sort(loads.begin(), loads.end());
    std::int64_t score = 0;
    std::int64_t prefix = 0;
    for (std::size_t i = 0; i < loads.size(); ++i) {
      score += loads[i] * static_cast<std::int64_t>(i) - prefix;
      prefix += loads[i];
    }
    return score;
  }
  std::int64_t balance_score() const { return balance_score_of(current_); }

  const Problem& problem_;
  PreviousOwnership previous_;
  std::vector<std::vector<int>> current_;
  std::vector<bool> participating_;
  std::vector<int> owner_;         // who holds each partition in current_
  std::vector<int> listed_owner_;  // the Java code's partition -> consumer map (may lag owner_)
  std::vector<std::vector<int>> potential_;  // per topic, the members subscribed to it
  std::vector<int> all_partitions_;          // topics with fewer potential members first
  std::map<int, std::pair<int, std::int32_t>> previous_owner_;  // partition -> (member, generation)
  PartitionMovements movements_;
  std::set<int, LoadOrder> by_load_;
  bool revocation_required_ = false;
};

struct StickyOutcome {
  std::vector<std::vector<int>> assignment;
  std::vector<int> transfer_to;  // empty: not known, compute from ownership
};

StickyOutcome run_sticky(const Problem& problem) {
  if (problem.member_count() == 0) return {};
  PreviousOwnership previous = settle_ownership(problem);
  if (problem.all_subscriptions_equal()) {
    ConstrainedAssignment builder(problem, std::move(previous));
    std::vector<std::vector<int>> assignment = builder.build();
    return StickyOutcome{std::move(assignment), builder.transfer_to()};
  }
  return StickyOutcome{GeneralAssignment(problem, std::move(previous)).build(), {}};
}

}  // namespace

GroupAssignment assign_sticky(const std::vector<MemberSubscription>& members,
                              const std::map<std::string, std::int32_t>& partitions_per_topic) {
  const Problem problem(members, partitions_per_topic);
  return problem.to_assignment(run_sticky(problem).assignment);
}

GroupAssignment assign_cooperative_sticky(const std::vector<MemberSubscription>& members,
                                          const std::map<std::string, std::int32_t>& partitions_per_topic) {
  const Problem problem(members, partitions_per_topic);
  StickyOutcome outcome = run_sticky(problem);
  if (outcome.transfer_to.empty() && problem.member_count() > 0) {
    // A partition moves if a member gains it that it did not claim while another claimed it
    // and loses it.
    outcome.transfer_to.assign(static_cast<std::size_t>(problem.partition_count()), kNone);
    std::vector<bool> given_up(static_cast<std::size_t>(problem.partition_count()), false);
    std::vector<int> gained_by(static_cast<std::size_t>(problem.partition_count()), kNone);
    for (int m = 0; m < problem.member_count(); ++m) {
      const std::vector<int> claimed = problem.claimed(m);
      const auto& assigned = outcome.assignment[static_cast<std::size_t>(m)];
      for (const int p : assigned) {
        if (std::find(claimed.begin(), claimed.end(), p) == claimed.end()) gained_by[static_cast<std::size_t>(p)] = m;
      }
      for (const int p : claimed) {
        if (std::find(assigned.begin(), assigned.end(), p) == assigned.end()) given_up[static_cast<std::size_t>(p)] = true;
      }
    }
    for (int p = 0; p < problem.partition_count(); ++p) {
      if (given_up[static_cast<std::size_t>(p)]) outcome.transfer_to[static_cast<std::size_t>(p)] = gained_by[static_cast<std::size_t>(p)];
    }
  }
  for (int p = 0; p < static_cast<int>(outcome.transfer_to.size()); ++p) {
    const int to = outcome.transfer_to[static_cast<std::size_t>(p)];
    if (to == kNone) continue;
    auto& list = outcome.assignment[static_cast<std::size_t>(to)];
    if (const auto it = std::find(list.begin(), list.end(), p); it != list.end()) list.erase(it);
  }
  return problem.to_assignment(outcome.assignment);
}

}  // namespace ksim::core
