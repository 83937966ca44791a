// The sticky and cooperative-sticky assignors of the Java client (AbstractStickyAssignor and its
// two subclasses), rewritten from their description and behaviour.
//
// Both aim for a balanced assignment (partition counts differ by at most one where subscriptions
// allow) that keeps as many partitions as possible with their previous owners. Two algorithms:
//
//  - all members subscribe to the same topics: the "constrained" one. Each member keeps its owned
//    partitions up to its quota (minQuota = partitions / members, and the first `partitions %
//    members` members met keep up to one more); the rest are dealt round-robin to the members
//    still under quota, in member-id order.
//  - subscriptions differ: the "general" one. Owned partitions stay where they still may; new ones
//    go, one at a time, to the member with the fewest partitions that may take them; then
//    partitions move from fuller to emptier members until no move improves the balance, preferring
//    to send a partition back to its owner in the generation before, and never moving partitions
//    of one topic back and forth between the same two members.
//
// Owned partitions are trusted per generation: when two members claim one partition, the higher
// generation keeps it; in the same generation neither does.
//
// cooperative-sticky then withholds every partition that changes owner: the new owner gets it in
// the follow-up rebalance, after the old owner revoked it.
//
// Where the Java code's choice depends on HashMap iteration order, we iterate in that order
// (core/protocol/java_hashing.hpp). Rack-aware assignment (client.rack) is not modelled: our consumers
// carry no rack.
#pragma once

#include "core/client/assignor.hpp"

namespace ksim::core {

GroupAssignment assign_sticky(const std::vector<MemberSubscription>& members,
                              const std::map<std::string, std::int32_t>& partitions_per_topic);
GroupAssignment assign_cooperative_sticky(const std::vector<MemberSubscription>& members,
                                          const std::map<std::string, std::int32_t>& partitions_per_topic);

}  // namespace ksim::core
