#include "core/group/group_coordinator.hpp"

#include <algorithm>

#include "core/group/coordinator_partition.hpp"

namespace ksim::core {
namespace {

// How a failed write to __consumer_offsets reaches the client (as Kafka's coordinator maps it).
ErrorCode commit_error(ErrorCode append_error) {
  switch (append_error) {
    case ErrorCode::NONE: return ErrorCode::NONE;
    case ErrorCode::NOT_LEADER_OR_FOLLOWER:
    case ErrorCode::UNKNOWN_TOPIC_OR_PARTITION: return ErrorCode::NOT_COORDINATOR;
    default: return ErrorCode::COORDINATOR_NOT_AVAILABLE;  // not enough replicas, timed out
  }
}

std::vector<OffsetsTopicValue> to_values(const std::vector<ConsumerGroupRecord>& records) {
  std::vector<OffsetsTopicValue> values;
  values.reserve(records.size());
  for (const ConsumerGroupRecord& r : records) std::visit([&values](const auto& v) { values.emplace_back(v); }, r);
  return values;
}

}  // namespace

GroupCoordinator::GroupCoordinator(GroupCoordinatorHost& host, const BrokerConfig& config) : host_(host), config_(config) {
  consumer_settings_.session_timeout = config.consumer_group_session_timeout;
  consumer_settings_.heartbeat_interval = config.consumer_group_heartbeat_interval;
  consumer_settings_.assignors = config.consumer_group_assignors;
  consumer_settings_.assignment_interval = config.consumer_group_assignment_interval;
  consumer_settings_.partition_count = [this](const std::string& topic) { return host_.partition_count(topic); };
}

GroupState GroupCoordinator::state_of(const Group& g) {
  return g.consumer ? g.consumer->state() : g.classic->state();
}

bool GroupCoordinator::has_members(const Group& g) {
  return g.consumer ? !g.consumer->empty() : !g.classic->member_ids().empty();
}

std::int32_t GroupCoordinator::partition_for(const std::string& group) const {
  return coordinator_partition(group, config_.offsets_topic_partitions);
}

GroupCoordinator::Group* GroupCoordinator::find(const std::string& group) {
  const auto it = groups_.find(group);
  return it == groups_.end() ? nullptr : &it->second;
}

const GroupCoordinator::Group* GroupCoordinator::find(const std::string& group) const {
  const auto it = groups_.find(group);
  return it == groups_.end() ? nullptr : &it->second;
}

GroupCoordinator::Group& GroupCoordinator::slot_for(const std::string& group_id) {
  if (Group* existing = find(group_id)) return *existing;
  Group& g = groups_[group_id];
  g.partition = partition_for(group_id);
  host_.report(GroupCreated{group_id});
  return g;
}

// Callers make sure that a group of the other kind is empty before it changes kind.
GroupCoordinator::Group& GroupCoordinator::get_or_create(const std::string& group_id) {
  Group& g = slot_for(group_id);
  if (!g.classic) {
    g.consumer.reset();
    g.classic = std::make_unique<ClassicGroup>(group_id, config_.group_initial_rebalance_delay);
    g.classic->set_on_settled([this, group_id] { persist_generation(group_id); });
  }
  return g;
}

GroupCoordinator::Group& GroupCoordinator::get_or_create_consumer(const std::string& group_id) {
  Group& g = slot_for(group_id);
  if (!g.consumer) {
    g.classic.reset();
    g.consumer = std::make_unique<ConsumerGroup>(group_id, consumer_settings_);
  }
  return g;
}

void GroupCoordinator::persist_generation(const std::string& group_id) {
  Group* g = find(group_id);
  if (g == nullptr || !g->classic) return;
  const ClassicGroup& classic = *g->classic;
  host_.report(GroupGenerationPersisted{group_id, classic.generation(), classic.state(), classic.protocol(),
                                        classic.leader(), static_cast<std::int64_t>(classic.member_ids().size())});
  g->persisting = true;
  host_.append_offsets_records(g->partition, {GroupMetadataValue{group_id, classic.snapshot(), false}},
                               [this, group_id](ErrorCode error) {
                                 Group* group = find(group_id);
                                 if (group == nullptr) return;
                                 group->persisting = false;
                                 const ErrorCode answer = commit_error(error);
                                 for (auto& held : std::exchange(group->held_syncs, {})) held(answer);
                               });
}

void GroupCoordinator::load(std::int32_t partition, const PartitionLog& log, sim::Time now) {
  partitions_.insert(partition);
  std::map<std::string, std::map<TopicPartition, CommittedOffset>> offsets;
  std::map<std::string, std::optional<GroupSnapshot>> metadata;
  std::map<std::string, std::vector<ConsumerGroupRecord>> consumer_records;  // since the group's last deletion
  for (const auto& segment : log.segments()) {
    for (const RecordBatch& batch : segment.batches) {
      const auto* payload = dynamic_cast<const OffsetsTopicPayload*>(batch.records->payload.get());
      if (payload == nullptr) continue;
      for (const OffsetsTopicValue& value : payload->values) {
        if (const auto* commit = std::get_if<OffsetCommitValue>(&value)) {
          if (commit->tombstone) {
            offsets[commit->group].erase(commit->tp);
          } else {
            offsets[commit->group][commit->tp] = CommittedOffset{commit->offset, commit->commit_time, commit->leader_epoch};
          }
        } else if (const auto* group = std::get_if<GroupMetadataValue>(&value)) {
          metadata[group->group] = group->tombstone ? std::nullopt : std::optional<GroupSnapshot>(group->snapshot);
          consumer_records.erase(group->group);
        } else {
          const std::string& id = offsets_value_group(value);
          const auto* epoch = std::get_if<ConsumerGroupEpochRecord>(&value);
          if (epoch != nullptr && epoch->tombstone) {
            consumer_records.erase(id);
            continue;
          }
          metadata.erase(id);
          std::visit(
              [&](const auto& v) {
                if constexpr (!std::is_same_v<std::decay_t<decltype(v)>, OffsetCommitValue> &&
                              !std::is_same_v<std::decay_t<decltype(v)>, GroupMetadataValue>) {
                  consumer_records[id].emplace_back(v);
                }
              },
              value);
        }
      }
    }
  }
  std::set<std::string> ids;
  for (const auto& [id, list] : offsets) {
    if (!list.empty()) ids.insert(id);
  }
  for (const auto& [id, snapshot] : metadata) {
    if (snapshot) ids.insert(id);
  }
  for (const auto& [id, records] : consumer_records) ids.insert(id);
  for (const std::string& id : ids) {
    if (partition_for(id) != partition) continue;
    const auto replayed = consumer_records.find(id);
    Group& g = replayed != consumer_records.end() ? get_or_create_consumer(id) : get_or_create(id);
    if (g.consumer) {
      for (const ConsumerGroupRecord& record : replayed->second) g.consumer->replay(record);
      g.consumer->loaded(now);
    } else if (const auto it = metadata.find(id); it != metadata.end() && it->second) {
      g.classic->restore(now, *it->second);
    }
    g.offsets = offsets[id];
    const std::int32_t generation = g.consumer ? g.consumer->group_epoch() : g.classic->generation();
    host_.report(GroupLoaded{id, state_of(g), generation, static_cast<std::int64_t>(g.offsets.size())});
  }
  if (partitions_.size() == 1) next_expiry_check_ = now + config_.offsets_retention_check_interval;
}

void GroupCoordinator::unload(std::int32_t partition) {
  partitions_.erase(partition);
  for (auto it = groups_.begin(); it != groups_.end();) {
    if (it->second.partition != partition) {
      ++it;
      continue;
    }
    if (it->second.classic) it->second.classic->abandon(ErrorCode::NOT_COORDINATOR);
    for (auto& held : std::exchange(it->second.held_syncs, {})) held(ErrorCode::NOT_COORDINATOR);
    host_.report(GroupUnloaded{it->first});
    it = groups_.erase(it);
  }
}

void GroupCoordinator::unload_all() {
  groups_.clear();
  partitions_.clear();
}

void GroupCoordinator::join(sim::Time now, const JoinGroupRequest& request,
                            std::function<void(JoinGroupResponse)> reply) {
  JoinGroupResponse refused;
  refused.correlation_id = request.correlation_id;
  if (!coordinates(request.group_id)) {
    refused.error = ErrorCode::NOT_COORDINATOR;
    return reply(refused);
  }
  if (request.session_timeout < config_.group_min_session_timeout ||
      request.session_timeout > config_.group_max_session_timeout) {
    refused.error = ErrorCode::INVALID_SESSION_TIMEOUT;
    return reply(refused);
  }
  if (const Group* existing = find(request.group_id); existing != nullptr && existing->consumer && !existing->consumer->empty()) {
    // Kafka would take a classic member into a consumer group (group.consumer.migration.policy);
    // ksim does not model mixed groups, and scenarios refuse them before they run.
    refused.error = ErrorCode::INCONSISTENT_GROUP_PROTOCOL;
    return reply(refused);
  }
  Group& g = get_or_create(request.group_id);
  g.classic->join(now, request.member_id, request.group_instance_id, request.protocols, request.session_timeout,
                  request.rebalance_timeout,
                  [reply = std::move(reply), correlation = request.correlation_id](const JoinResult& r) {
                    JoinGroupResponse response;
                    response.correlation_id = correlation;
                    response.error = r.error;
                    response.generation = r.generation;
                    response.protocol = r.protocol;
                    response.leader = r.leader_id;
                    response.member_id = r.member_id;
                    response.members = r.members;
                    reply(std::move(response));
                  });
}

void GroupCoordinator::sync(sim::Time now, const SyncGroupRequest& request,
                            std::function<void(SyncGroupResponse)> reply) {
  const auto respond = [reply = std::move(reply), correlation = request.correlation_id](const SyncResult& r) {
    reply(SyncGroupResponse{correlation, r.error, r.assignment});
  };
  Group* g = coordinates(request.group_id) ? find(request.group_id) : nullptr;
  if (g == nullptr || !g->classic) {
    return respond(SyncResult{coordinates(request.group_id) ? ErrorCode::UNKNOWN_MEMBER_ID : ErrorCode::NOT_COORDINATOR, {}});
  }
  std::optional<std::map<std::string, std::vector<TopicPartition>>> assignments;
  if (!request.assignments.empty() || request.member_id == g->classic->leader()) {
    assignments.emplace(request.assignments.begin(), request.assignments.end());
  }
  g->classic->sync(now, request.member_id, request.generation, std::move(assignments),
                   [this, group_id = request.group_id, respond](const SyncResult& r) {
                     Group* group = find(group_id);
                     if (group != nullptr && group->persisting && r.error == ErrorCode::NONE) {
                       group->held_syncs.emplace_back([respond, r](ErrorCode error) {
                         respond(error == ErrorCode::NONE ? r : SyncResult{error, {}});
                       });
                       return;
                     }
                     respond(r);
                   });
}

HeartbeatResponse GroupCoordinator::heartbeat(sim::Time now, const HeartbeatRequest& request) {
  HeartbeatResponse response{request.correlation_id, ErrorCode::NONE};
  Group* g = coordinates(request.group_id) ? find(request.group_id) : nullptr;
  if (!coordinates(request.group_id)) {
    response.error = ErrorCode::NOT_COORDINATOR;
  } else if (g == nullptr || !g->classic) {
    response.error = ErrorCode::UNKNOWN_MEMBER_ID;
  } else {
    response.error = g->classic->heartbeat(now, request.member_id, request.generation);
  }
  return response;
}

LeaveGroupResponse GroupCoordinator::leave(sim::Time now, const LeaveGroupRequest& request) {
  LeaveGroupResponse response{request.correlation_id, ErrorCode::NONE};
  Group* g = coordinates(request.group_id) ? find(request.group_id) : nullptr;
  if (!coordinates(request.group_id)) {
    response.error = ErrorCode::NOT_COORDINATOR;
  } else if (g == nullptr || !g->classic) {
    response.error = ErrorCode::UNKNOWN_MEMBER_ID;
  } else {
    response.error = g->classic->leave(now, request.member_id);
    if (response.error == ErrorCode::NONE) {
      host_.report(GroupMemberLeft{request.group_id, request.member_id});
    }
  }
  return response;
}

void GroupCoordinator::commit(sim::Time now, const OffsetCommitRequest& request,
                              std::function<void(OffsetCommitResponse)> reply) {
  const auto answer_all = [correlation = request.correlation_id, offsets = request.offsets](ErrorCode error) {
    OffsetCommitResponse response;
    response.correlation_id = correlation;
    for (const auto& [tp, offset] : offsets) response.partitions.emplace_back(tp, error);
    return response;
  };
  if (!coordinates(request.group_id)) return reply(answer_all(ErrorCode::NOT_COORDINATOR));
  Group* g = find(request.group_id);
  ErrorCode check = ErrorCode::NONE;
  if (g == nullptr) {
    // A consumer outside any group (assign mode) creates a group that only holds offsets.
    check = request.generation < 0 ? ErrorCode::NONE : ErrorCode::ILLEGAL_GENERATION;
    if (check == ErrorCode::NONE) g = &get_or_create(request.group_id);
  } else if (g->consumer) {
    check = g->consumer->check_commit(request.member_id, request.generation);
  } else {
    check = g->classic->check_commit(request.member_id, request.generation);
  }
  if (check != ErrorCode::NONE) {
    host_.report(GroupCommitRefused{request.group_id, request.member_id, request.generation, check});
    return reply(answer_all(check));
  }
  // By value: the append's callback outlives this call.
  const auto epoch_at = [epochs = request.leader_epochs](std::size_t i) {
    return i < epochs.size() ? epochs[i] : kNoLeaderEpoch;
  };
  std::vector<OffsetsTopicValue> values;
  for (std::size_t i = 0; i < request.offsets.size(); ++i) {
    values.emplace_back(OffsetCommitValue{request.group_id, request.offsets[i].first, request.offsets[i].second, now,
                                          false, epoch_at(i)});
  }
  host_.append_offsets_records(
      g->partition, std::move(values),
      [this, request, now, reply = std::move(reply), answer_all, epoch_at](ErrorCode append_error) {
        const ErrorCode error = commit_error(append_error);
        Group* group = find(request.group_id);
        if (error == ErrorCode::NONE && group != nullptr) {
          for (std::size_t i = 0; i < request.offsets.size(); ++i) {
            group->offsets[request.offsets[i].first] = CommittedOffset{request.offsets[i].second, now, epoch_at(i)};
          }
        }
        reply(answer_all(error));
      });
}

void GroupCoordinator::consumer_heartbeat(sim::Time now, const ConsumerGroupHeartbeatRequest& request,
                                          std::function<void(ConsumerGroupHeartbeatResponse)> reply) {
  ConsumerGroupHeartbeatResponse refused;
  refused.correlation_id = request.correlation_id;
  refused.member_id = request.member_id;
  refused.member_epoch = request.member_epoch;
  if (!coordinates(request.group_id)) {
    refused.error = ErrorCode::NOT_COORDINATOR;
    return reply(refused);
  }
  Group* existing = find(request.group_id);
  if (existing == nullptr || (existing->classic && !has_members(*existing))) {
    // Only a joining member creates the group (or takes over an empty classic one).
    if (request.member_epoch != 0) {
      refused.error = ErrorCode::UNKNOWN_MEMBER_ID;
      return reply(refused);
    }
  } else if (existing->classic) {
    refused.error = ErrorCode::GROUP_ID_NOT_FOUND;  // a classic group with members (no migration modelled)
    return reply(refused);
  }
  consumer_settings_.session_timeout = config_.consumer_group_session_timeout;
  consumer_settings_.heartbeat_interval = config_.consumer_group_heartbeat_interval;
  Group& g = get_or_create_consumer(request.group_id);
  ConsumerHeartbeatResult result = g.consumer->heartbeat(now, request);
  if (result.records.empty()) return reply(std::move(result.response));
  report_consumer_records(request.group_id, result.records, result.new_target);
  append_consumer_records(g, result.records,
                          [reply = std::move(reply), response = std::move(result.response)](ErrorCode error) mutable {
                            const ErrorCode answer = commit_error(error);
                            if (answer != ErrorCode::NONE) {
                              response.error = answer;
                              response.assignment.reset();
                            }
                            reply(std::move(response));
                          });
}

void GroupCoordinator::report_consumer_records(const std::string& group_id, const std::vector<ConsumerGroupRecord>& records,
                                               bool new_target) {
  const Group* g = find(group_id);
  if (g == nullptr || !g->consumer) return;
  if (new_target) {
    host_.report(ConsumerGroupTargetComputed{group_id, g->consumer->assignment_epoch(), g->consumer->assignor(),
                                             static_cast<std::int64_t>(g->consumer->members().size())});
  }
  for (const ConsumerGroupRecord& record : records) {
    const auto* r = std::get_if<ConsumerGroupMemberRecord>(&record);
    // A joining member's first record holds only its subscription; the next says where it stands.
    if (r == nullptr || r->tombstone || r->member.epoch == 0) continue;
    const ConsumerGroupMember& m = r->member;
    host_.report(ConsumerGroupMemberReconciled{group_id, m.id, m.epoch, member_reconciliation_name(m.state),
                                               static_cast<std::int64_t>(m.assigned.size()),
                                               static_cast<std::int64_t>(m.pending_revocation.size())});
  }
}

void GroupCoordinator::append_consumer_records(const Group& g, const std::vector<ConsumerGroupRecord>& records,
                                               std::function<void(ErrorCode)> done) {
  if (records.empty()) return done(ErrorCode::NONE);
  host_.append_offsets_records(g.partition, to_values(records), std::move(done));
}

OffsetFetchResponse GroupCoordinator::fetch_offsets(const OffsetFetchRequest& request) const {
  OffsetFetchResponse response;
  response.correlation_id = request.correlation_id;
  if (!coordinates(request.group_id)) {
    response.error = ErrorCode::NOT_COORDINATOR;
    return response;
  }
  const Group* g = find(request.group_id);
  if (request.partitions.empty() && g != nullptr) {
    for (const auto& [tp, committed] : g->offsets) {
      response.offsets.emplace_back(tp, committed.offset);
      response.leader_epochs.push_back(committed.leader_epoch);
    }
    return response;
  }
  for (const TopicPartition& tp : request.partitions) {
    CommittedOffset committed;
    if (g != nullptr) {
      if (const auto it = g->offsets.find(tp); it != g->offsets.end()) committed = it->second;
    }
    response.offsets.emplace_back(tp, committed.offset);
    response.leader_epochs.push_back(committed.leader_epoch);
  }
  return response;
}

void GroupCoordinator::reset_offsets(sim::Time now, const std::string& group_id,
                                     std::vector<std::pair<TopicPartition, Offset>> offsets,
                                     std::function<void(ErrorCode)> done) {
  if (!coordinates(group_id)) return done(ErrorCode::NOT_COORDINATOR);
  Group* g = find(group_id);
  if (g != nullptr && state_of(*g) != GroupState::empty) return done(ErrorCode::NON_EMPTY_GROUP);
  OffsetCommitRequest request;
  request.group_id = group_id;
  request.offsets = std::move(offsets);
  commit(now, request, [done = std::move(done)](const OffsetCommitResponse& response) {
    done(response.partitions.empty() ? ErrorCode::NONE : response.partitions.front().second);
  });
}

std::optional<GroupDescription> GroupCoordinator::describe(const std::string& group_id) const {
  const Group* g = find(group_id);
  if (g == nullptr) return std::nullopt;
  if (g->consumer) {
    const ConsumerGroup& c = *g->consumer;
    GroupDescription d;
    d.group = group_id;
    d.state = c.state();
    d.generation = c.group_epoch();
    d.protocol = c.assignor();
    d.offsets = g->offsets;
    d.consumer_protocol = true;
    d.assignment_epoch = c.assignment_epoch();
    for (const auto& [id, m] : c.members()) {
      GroupMemberView view;
      view.member_id = id;
      view.group_instance_id = m.instance_id;
      view.session_timeout = config_.consumer_group_session_timeout;
      view.rebalance_timeout = m.rebalance_timeout;
      view.assignment = m.assigned;
      d.members.push_back(std::move(view));
      d.consumer_members.push_back({m, c.target_of(id)});
    }
    return d;
  }
  GroupSnapshot snapshot = g->classic->snapshot();
  GroupDescription d;
  d.group = group_id;
  d.state = g->classic->state();
  d.generation = g->classic->generation();
  d.protocol = g->classic->protocol();
  d.leader = g->classic->leader();
  d.members = std::move(snapshot.members);
  d.offsets = g->offsets;
  return d;
}

std::vector<std::string> GroupCoordinator::group_ids() const {
  std::vector<std::string> ids;
  for (const auto& [id, g] : groups_) ids.push_back(id);
  return ids;
}

std::optional<sim::Time> GroupCoordinator::deadline() const {
  std::optional<sim::Time> next;
  if (!partitions_.empty()) next = next_expiry_check_;
  for (const auto& [id, g] : groups_) {
    const std::optional<sim::Time> due = g.consumer ? g.consumer->deadline() : g.classic->deadline();
    if (due && (!next || *due < *next)) next = due;
  }
  return next;
}

void GroupCoordinator::on_time(sim::Time now) {
  for (auto& [id, g] : groups_) {
    const std::optional<sim::Time> due = g.consumer ? g.consumer->deadline() : g.classic->deadline();
    if (!due || *due > now) continue;
    if (g.consumer) {
      std::vector<ConsumerMemberFenced> fenced;
      const std::vector<ConsumerGroupRecord> records = g.consumer->on_time(now, fenced);
      for (const ConsumerMemberFenced& f : fenced) host_.report(GroupMemberExpired{id, f.member_id});
      append_consumer_records(g, records, [](ErrorCode) {});
      continue;
    }
    const std::vector<std::string> before = g.classic->member_ids();
    g.classic->on_time(now);
    for (const std::string& member : before) {
      if (g.classic->assignment_of(member) == nullptr) {
        host_.report(GroupMemberExpired{id, member});
      }
    }
  }
  if (!partitions_.empty() && now >= next_expiry_check_) {
    expire_offsets(now);
    next_expiry_check_ = now + config_.offsets_retention_check_interval;
  }
}

void GroupCoordinator::expire_offsets(sim::Time now) {
  for (auto it = groups_.begin(); it != groups_.end();) {
    Group& g = it->second;
    if (state_of(g) != GroupState::empty) {
      ++it;
      continue;
    }
    std::vector<OffsetsTopicValue> tombstones;
    for (auto offset = g.offsets.begin(); offset != g.offsets.end();) {
      // An empty group's offsets expire offsets.retention.minutes after the later of the last
      // commit and the moment the group emptied.
      const sim::Time base = std::max(offset->second.commit_time, g.classic ? g.classic->state_since() : offset->second.commit_time);
      if (base + config_.offsets_retention > now) {
        ++offset;
        continue;
      }
      host_.report(GroupOffsetExpired{it->first, offset->first, offset->second.offset});
      tombstones.emplace_back(OffsetCommitValue{it->first, offset->first, -1, now, true, kNoLeaderEpoch});
      offset = g.offsets.erase(offset);
    }
    const bool dead = g.offsets.empty() && !has_members(g);
    if (dead && g.consumer) {
      tombstones.emplace_back(ConsumerGroupEpochRecord{it->first, 0, true});
      host_.report(GroupDied{it->first});
    } else if (dead) {
      tombstones.emplace_back(GroupMetadataValue{it->first, {}, true});
      host_.report(GroupDied{it->first});
    }
    if (!tombstones.empty()) host_.append_offsets_records(g.partition, std::move(tombstones), [](ErrorCode) {});
    it = dead ? groups_.erase(it) : std::next(it);
  }
}

}  // namespace ksim::core
