// RaftReplica: one member of KRaft's metadata quorum, as KafkaRaftClient and QuorumState run it.
//
// Voters (the controllers) elect a leader per epoch and replicate the metadata log from it by
// fetching; observers (the brokers) fetch the same log and never vote. The states and their
// transitions are Kafka 4.x's:
//
//   Unattached   knows an epoch but no leader (or has voted in it). A voter whose election
//                timeout (controller.quorum.election.timeout.ms, randomised over [T, 2T)) runs
//                out becomes Prospective.
//   Prospective  asks every voter for a pre-vote (KIP-996) in its current epoch: a vote nobody
//                records, granted only by a voter that has not heard from a leader (a follower
//                that has fetched from its leader refuses) and whose log is no further along.
//                A majority makes it a Candidate; a majority of refusals or its election timeout
//                sends it back to Unattached, or to the leader it knew.
//   Candidate    raises the epoch, votes for itself (durably) and asks for votes; a majority
//                makes it Leader. Refused or timed out, it backs off (random, growing with its
//                retries, at most controller.quorum.election.backoff.max.ms) and then becomes
//                Prospective again.
//   Leader       writes a LeaderChange record at the start of its epoch and tells the voters
//                (BeginQuorumEpoch); the high watermark is the offset a majority of voters have
//                fetched past, and only once that offset is past the epoch's start (so that the
//                leader's own epoch has a committed record). A leader that has not been fetched
//                from by a majority within 1.5 x controller.quorum.fetch.timeout.ms resigns.
//   Follower     fetches from its leader; a voter whose fetch timeout
//                (controller.quorum.fetch.timeout.ms) passes with no successful fetch becomes
//                Prospective; an observer asks any voter instead.
//   Resigned     a leader that gave up its epoch tells the voters (EndQuorumEpoch) and waits out
//                an election timeout before taking part again.
//
// With pre_vote off (Kafka before 4.0), a timed-out voter becomes a Candidate at once, raising
// the epoch: a voter cut off from the rest keeps raising it, and when it comes back its Vote
// request makes the leader step down.
//
// The replica is volatile: its host builds one per incarnation from the durable state (the log
// and the election state, both flushed before they count; KRaft's quorum-state file and its
// fsynced log) and drops it when the process stops. Everything it does goes through RaftHost.
#pragma once

#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "core/raft/raft_log.hpp"
#include "sim/callback.hpp"
#include "sim/node_id.hpp"
#include "sim/random.hpp"
#include "sim/scheduler.hpp"

namespace ksim::core {

struct QuorumVoter {
  ReplicaId id = kNoBroker;
  sim::NodeId node;
};

// KRaft's QuorumConfig and the client's fixed settings.
struct QuorumConfig {
  std::vector<QuorumVoter> voters;                                    // controller.quorum.voters
  sim::Duration election_timeout = sim::milliseconds(1000);           // controller.quorum.election.timeout.ms
  sim::Duration fetch_timeout = sim::milliseconds(2000);              // controller.quorum.fetch.timeout.ms
  sim::Duration election_backoff_max = sim::milliseconds(1000);       // controller.quorum.election.backoff.max.ms
  sim::Duration request_timeout = sim::milliseconds(2000);            // controller.quorum.request.timeout.ms
  sim::Duration retry_backoff = sim::milliseconds(20);                // controller.quorum.retry.backoff.ms
  sim::Duration append_linger = sim::milliseconds(25);                // controller.quorum.append.linger.ms
  sim::Duration fetch_max_wait = sim::milliseconds(500);              // KafkaRaftClient.MAX_FETCH_WAIT_MS
  bool pre_vote = true;  // KIP-996, Kafka 4.0; off: a timed-out voter stands at once (3.x)
};

enum class RaftRole : std::uint8_t { unattached, prospective, candidate, leader, follower, resigned };
std::string_view raft_role_name(RaftRole role);

// The quorum-state file: what a replica knows of the election, written before it acts on it.
struct ElectionState {
  LeaderEpoch epoch = 0;
  ReplicaId leader = kNoBroker;
  ReplicaId voted = kNoBroker;
};

// What survives the process: the flushed log and the quorum-state file.
struct RaftDurableState {
  RaftLog log;
  ElectionState election;
};

struct LeaderAndEpoch {
  ReplicaId leader = kNoBroker;
  LeaderEpoch epoch = 0;
  bool operator==(const LeaderAndEpoch&) const = default;
};

using RaftRequest = std::variant<VoteRequest, BeginQuorumEpochRequest, EndQuorumEpochRequest, MetadataFetchRequest>;
using RaftResponse =
    std::variant<VoteResponse, BeginQuorumEpochResponse, EndQuorumEpochResponse, MetadataFetchResponse>;

// What a replica needs from the node it runs in: the node's clock, timers and randomness (all of
// its current incarnation), its connections, and a listener for what the log commits
// (RaftClient.Listener).
class RaftHost {
 public:
  virtual sim::Time raft_now() const = 0;
  virtual sim::TimerId raft_at(sim::Time when, sim::Callback callback) = 0;
  virtual void raft_cancel(sim::TimerId timer) = 0;
  virtual sim::Rng& raft_rng() = 0;
  virtual void raft_send(sim::NodeId to, RaftRequest request) = 0;
  virtual void raft_reply(sim::NodeId to, RaftResponse response) = 0;
  // A request to `peer` timed out: close the connection, as NetworkClient does.
  virtual void raft_disconnect(sim::NodeId peer) = 0;

  // The high watermark moved to `high_watermark`: the records below it are committed.
  virtual void raft_committed(Offset high_watermark) = 0;
  // The log was cut back to end at `end` (a follower's copy diverged from its leader's).
  virtual void raft_truncated(Offset /*end*/) {}
  // A new leader or epoch is known (the leader tells itself once its epoch's first record is
  // committed, when its state holds everything before it: KafkaRaftClient.maybeFireLeaderChange).
  virtual void raft_leader_changed(LeaderAndEpoch leader) = 0;
  virtual void raft_role_changed(RaftRole /*from*/, RaftRole /*to*/) {}

 protected:
  ~RaftHost() = default;
};

class RaftReplica {
 public:
  RaftReplica(RaftHost& host, ReplicaId id, const QuorumConfig& config, RaftDurableState& durable);
  RaftReplica(const RaftReplica&) = delete;
  RaftReplica& operator=(const RaftReplica&) = delete;

  // Begins from the durable state, as QuorumState.initialize does: a replica that led its epoch
  // comes back Resigned in it, one that stood comes back a Candidate, one that knew a leader
  // follows it.
  void start();

  void handle(sim::NodeId from, const VoteRequest& m);
  void handle(sim::NodeId from, const VoteResponse& m);
  void handle(sim::NodeId from, const BeginQuorumEpochRequest& m);
  void handle(sim::NodeId from, const BeginQuorumEpochResponse& m);
  void handle(sim::NodeId from, const EndQuorumEpochRequest& m);
  void handle(sim::NodeId from, const EndQuorumEpochResponse& m);
  void handle(sim::NodeId from, const MetadataFetchRequest& m);
  void handle(sim::NodeId from, const MetadataFetchResponse& m);
  // The connection to `peer` failed or ended: what was in flight on it is lost.
  void connection_lost(sim::NodeId peer);

  // The leader's write (RaftClient.prepareAppend): the records go into the batch accumulator and
  // reach the log when it drains (controller.quorum.append.linger.ms after the first). Returns the
  // offset the last record will have, or nothing if this replica does not lead `epoch`.
  std::optional<Offset> append(LeaderEpoch epoch, std::vector<MetadataRecord> records);

  ReplicaId id() const { return id_; }
  bool is_voter() const { return self_ >= 0; }
  RaftRole role() const { return role_; }
  LeaderEpoch epoch() const { return durable_.election.epoch; }
  ReplicaId leader() const { return durable_.election.leader; }
  ReplicaId voted() const { return durable_.election.voted; }
  LeaderAndEpoch leader_and_epoch() const { return {leader(), epoch()}; }
  // -1 while unknown (a new leader's until its epoch has a committed record; a restarted one's).
  Offset high_watermark() const { return high_watermark_; }
  const RaftLog& log() const { return durable_.log; }
  const QuorumConfig& config() const { return config_; }

  // The leader's view of one replica, as kafka-metadata-quorum describe --replication shows it.
  struct ReplicaProgress {
    ReplicaId id = kNoBroker;
    bool voter = false;
    Offset end_offset = -1;  // -1: not fetched in this epoch
    std::optional<sim::Time> last_fetch;
    std::optional<sim::Time> last_caught_up;
  };
  // Empty unless this replica leads; voters first (itself among them), then observers.
  std::vector<ReplicaProgress> replication() const;

 private:
  // One voter as this replica tracks it: the request it has in flight to it, the vote it gave in
  // the current election, and, on the leader, how far it has fetched.
  struct Peer {
    QuorumVoter voter;
    std::int32_t in_flight = 0;  // correlation id, 0 when nothing is in flight
    sim::Time timeout_at;
    sim::Time backoff_until;
    std::optional<bool> vote;  // this election: granted or refused
    // Leader only.
    Offset end_offset = -1;
    std::optional<sim::Time> last_fetch;
    std::optional<sim::Time> last_caught_up;
    bool acknowledged = false;          // answered BeginQuorumEpoch or fetched in this epoch
    bool fetched_since_check = false;   // counted towards the current check-quorum window
  };
  struct ParkedFetch {
    sim::NodeId from;
    MetadataFetchRequest request;
    sim::Time deadline;
  };

  // raft_replica.cpp: polling, requests in flight, transitions.
  void poll();
  bool poll_role(sim::Time now);  // true when the role changed and must be polled again
  void schedule_wakeup(sim::Time now);
  void expire_requests(sim::Time now);
  bool ready(const Peer& peer, sim::Time now) const;
  template <typename Request>
  void send(Peer& peer, Request request);
  // Whether a response from `from` with `correlation_id` is the one this replica waits for.
  Peer* expected_response(sim::NodeId from, std::int32_t correlation_id);
  Peer* find_peer(sim::NodeId node);
  Peer* find_peer(ReplicaId id);
  sim::Duration random_election_timeout();
  std::size_t majority() const { return peers_.size() / 2 + 1; }
  void set_role(RaftRole role);
  void reset_requests();
  void transition_to_unattached(LeaderEpoch epoch);
  void transition_to_unattached_voted(ReplicaId candidate);
  void transition_to_follower(LeaderEpoch epoch, ReplicaId leader);
  void transition_to_prospective();
  void transition_to_candidate();
  void transition_to_leader();
  void transition_to_resigned(std::vector<ReplicaId> preferred_successors);
  // The role after an election this replica lost or gave up: Unattached, or the leader it knew.
  void after_lost_election();
  void stand_for_election();  // Prospective with pre-vote, Candidate without
  void notify_leader_change();

  // raft_election.cpp: the election requests.
  bool can_grant_vote(ReplicaId candidate, bool log_up_to_date, bool pre_vote) const;
  // KafkaRaftClient.maybeHandleCommonResponse / maybeTransition: an answer or a request naming a
  // newer epoch, or a leader of this one, moves this replica there. True if it moved.
  bool learn_leader(LeaderEpoch epoch, ReplicaId leader);
  // BeginQuorumEpoch and EndQuorumEpoch alike: refused from an older epoch; otherwise the leader
  // it names is learnt and `then` runs; the answer gives the epoch and leader as they now stand
  // (raft_election.cpp).
  template <typename Response, typename Request, typename Then>
  void answer_leader_notice(sim::NodeId from, const Request& m, Then then);
  void send_votes(sim::Time now);
  sim::Duration binary_exponential_backoff();
  sim::Duration strict_exponential_backoff(std::size_t position, std::size_t successors) const;

  // raft_replication.cpp: fetching, the leader's state, the high watermark.
  void poll_leader(sim::Time now);
  void poll_follower(sim::Time now);
  void fetch_from(Peer& peer);
  void fetch_from_any_voter(sim::Time now);
  MetadataFetchResponse fetch_response(const MetadataFetchRequest& request, ErrorCode error) const;
  void answer_parked_fetches(bool all);
  void drain_accumulator();
  void update_leader_high_watermark();
  void set_high_watermark(Offset high_watermark);
  void track_observer(ReplicaId id, Offset fetch_offset, sim::Time now);

  RaftHost& host_;
  ReplicaId id_;
  const QuorumConfig& config_;
  RaftDurableState& durable_;
  std::vector<Peer> peers_;  // one per voter, itself included, in config order
  std::ptrdiff_t self_ = -1;  // this replica's index in peers_, -1 for an observer
  std::int32_t next_correlation_ = 1;

  RaftRole role_ = RaftRole::unattached;
  Offset high_watermark_ = -1;
  sim::TimerId wakeup_;
  sim::Time wakeup_at_ = sim::Time::max();
  LeaderAndEpoch announced_;  // the last leader told to the host

  // Unattached, Prospective, Candidate, Resigned.
  sim::Time election_deadline_ = sim::Time::max();
  std::optional<sim::Time> backoff_until_;  // a Candidate backing off before its next try
  std::int32_t retries_ = 1;
  // Follower.
  sim::Time fetch_deadline_ = sim::Time::max();
  bool has_fetched_from_leader_ = false;
  // Leader.
  Offset epoch_start_offset_ = -1;
  sim::Time check_quorum_deadline_ = sim::Time::max();
  sim::Time begin_epoch_due_ = sim::Time::max();
  std::vector<RaftEntry> pending_;
  sim::Time linger_until_ = sim::Time::max();
  std::vector<ParkedFetch> parked_;
  std::vector<ReplicaProgress> observers_;
  // Resigned.
  std::vector<ReplicaId> preferred_successors_;
};

}  // namespace ksim::core
