// Consumer groups under the classic protocol, end to end: joins, rebalances, commits, crashes.
#include <catch2/catch.hpp>

#include "group_lab.hpp"

TEST_CASE("group: consumers join and the partitions spread evenly", "[core][group][consumer]") {
  GroupLab lab;
  lab.add("a");
  lab.add("b");
  lab.add("c");
  lab.run(seconds(5));
  std::vector<const Consumer*> all;
  for (const auto& [name, m] : lab.members) {
    CHECK(m.consumer->in_group());
    CHECK(m.consumer->owned().size() == 2);
    all.push_back(m.consumer);
  }
  CHECK(union_of(all).size() == 6);
  const auto description = lab.coordinator_of("billing").group_coordinator().describe("billing");
  REQUIRE(description);
  CHECK(description->state == GroupState::stable);
  CHECK(description->members.size() == 3);
  CHECK(description->protocol == "range");
  // Records produced now are each processed exactly once.
  lab.produce(1, 300);
  lab.run(seconds(5));
  const auto counts = lab.processed_counts();
  CHECK(counts.size() == 300);
  for (const auto& [id, n] : counts) CHECK(n == 1);
}

namespace {

// The partitions of "orders" nobody in the group owns, sampled every 10 ms over `span`:
// accumulated time without an owner per partition.
std::map<TopicPartition, Duration> unowned_time(GroupLab& lab, Duration span) {
  std::map<TopicPartition, Duration> gaps;
  for (Duration t{}; t < span; t += milliseconds(10)) {
    lab.run(milliseconds(10));
    std::set<TopicPartition> owned;
    for (const auto& [name, m] : lab.members) {
      if (m.consumer->running()) owned.insert(m.consumer->owned().begin(), m.consumer->owned().end());
    }
    for (std::int32_t p = 0; p < 6; ++p) {
      const TopicPartition tp{"orders", p};
      if (owned.count(tp) == 0U) gaps[tp] += milliseconds(10);
    }
  }
  return gaps;
}

ConsumerConfig cooperative_config() {
  ConsumerConfig c = GroupLab::member_config();
  c.assignors = {"cooperative-sticky"};
  return c;
}

}  // namespace

TEST_CASE("group: more members than partitions leaves one idle, and it takes over after a crash",
          "[core][group][consumer]") {
  GroupLab lab;
  for (const char* name : {"a", "b", "c", "d", "e", "f", "g"}) lab.add(name);
  lab.run(seconds(5));
  std::string idle;
  for (const auto& [name, m] : lab.members) {
    CHECK(m.consumer->in_group());
    if (m.consumer->owned().empty()) idle = name;
  }
  REQUIRE(!idle.empty());
  const std::string victim = idle == "a" ? "b" : "a";
  const auto lost = lab.members.at(victim).consumer->owned();
  REQUIRE(lost.size() == 1);
  lab.cluster.sim().stop(lab.members.at(victim).consumer->id(), StopKind::process_crash);
  lab.run(seconds(5));  // within the 10 s session timeout: nobody has the partition
  CHECK(lab.members.at(idle).consumer->owned().empty());
  lab.run(seconds(10));  // the session expired and the group rebalanced
  CHECK(lab.members.at(idle).consumer->owned().size() == 1);
}

namespace {

// The partitions members gave up (revoked or lost), as their rebalance listeners were told.
struct RevocationLog final : KafkaObserver {
  std::set<std::string> partitions;
  using KafkaObserver::on;
  void on(const EventStamp&, const PartitionsOwnershipChanged& e) override {
    if (e.change == OwnershipChange::assigned) return;
    for (const TopicPartition& tp : e.partitions) partitions.insert(tp.str());
  }
};

struct RebalanceOutcome {
  std::set<std::string> revoked;
  std::map<TopicPartition, Duration> unowned;
  Duration total() const {
    Duration sum{};
    for (const auto& [tp, d] : unowned) sum += d;
    return sum;
  }
};

}  // namespace

TEST_CASE("group: under cooperative rebalancing only moved partitions lose their owner, and for less time",
          "[core][group][consumer]") {
  // Three busy members: each poll takes about a second of processing, and members rejoin only
  // from poll(), so a rebalance waits for every member's current poll to end. A fourth joins.
  const auto run_with = [](ConsumerConfig config) {
    config.heartbeat_interval = milliseconds(100);
    config.max_poll_records = 5;
    GroupLab lab;
    ProcessingSpec busy;
    busy.per_record_min = milliseconds(150);
    busy.per_record_max = milliseconds(250);
    for (const char* name : {"a", "b", "d"}) lab.add(name, config, busy);
    lab.run(seconds(5));
    lab.produce(1, 1500);  // more than they can get through: they stay busy
    lab.run(seconds(2));
    RevocationLog log;
    lab.cluster.events().attach(log);
    lab.add("c", config, busy);
    RebalanceOutcome out;
    out.unowned = unowned_time(lab, seconds(12));
    lab.cluster.events().detach(log);
    out.revoked = log.partitions;
    return out;
  };
  const RebalanceOutcome eager = run_with(GroupLab::member_config());
  const RebalanceOutcome cooperative = run_with(cooperative_config());
  // Eager: every member gave up every partition before rejoining.
  CHECK(eager.revoked.size() == 6);
  // Cooperative: 6 partitions over 4 members moves one partition to the newcomer; only it was
  // given up, and only it went without an owner.
  REQUIRE(cooperative.revoked.size() == 1);
  CHECK(cooperative.unowned.size() == 1);
  CHECK(cooperative.unowned.begin()->first.str() == *cooperative.revoked.begin());
  // Eager partitions sat idle while the slowest poll among the others ended; cooperative kept
  // five of six partitions consumed throughout.
  INFO("eager " << eager.total().ns() / 1000000 << " ms, cooperative " << cooperative.total().ns() / 1000000 << " ms");
  CHECK(cooperative.total() < eager.total());
}

namespace {

ProcessingSpec steady(Duration per_record, CommitStyle commit = CommitStyle::automatic) {
  ProcessingSpec p;
  p.per_record_min = per_record;
  p.per_record_max = per_record;
  p.commit = commit;
  return p;
}

ConsumerConfig manual_commits() {
  ConsumerConfig c = GroupLab::member_config();
  c.enable_auto_commit = false;
  return c;
}

std::size_t duplicates(const std::map<std::uint64_t, int>& counts) {
  std::size_t n = 0;
  for (const auto& [id, count] : counts) n += count > 1 ? 1U : 0U;
  return n;
}

}  // namespace

TEST_CASE("group: a crash after processing but before the commit gives duplicates", "[core][group][consumer]") {
  GroupLab lab;
  lab.add("a", GroupLab::member_config(), steady(milliseconds(5)));
  lab.add("b", GroupLab::member_config(), steady(milliseconds(5)));
  lab.run(seconds(3));
  lab.produce(1, 600);
  lab.run(milliseconds(1500));  // a has processed records whose offsets auto-commit has not yet sent
  lab.crash("a");
  lab.run(seconds(20));
  const auto counts = lab.processed_counts();
  CHECK(counts.size() == 600);    // nothing lost...
  CHECK(duplicates(counts) > 0);  // ...but b processed again what a had done since its last commit
}

TEST_CASE("group: commit before processing plus a crash loses records", "[core][group][consumer]") {
  GroupLab lab;
  lab.add("a", manual_commits(), steady(milliseconds(20), CommitStyle::before_processing));
  lab.add("b", manual_commits(), steady(milliseconds(20), CommitStyle::before_processing));
  lab.run(seconds(3));
  lab.produce(1, 300);
  lab.run(milliseconds(510));  // a is in the middle of a poll it has already committed
  lab.crash("a");
  lab.run(seconds(25));
  const auto counts = lab.processed_counts();
  CHECK(counts.size() < 300);  // the records a committed but never finished are gone
  CHECK(duplicates(counts) == 0);
}

TEST_CASE("group: a consumer slower than max.poll.interval.ms leaves, its commit fails, others redo its records",
          "[core][group][consumer]") {
  ConsumerConfig config = manual_commits();
  config.max_poll_interval = seconds(2);
  ProcessingSpec slow = steady(milliseconds(5), CommitStyle::sync_after_processing);
  slow.slow_from = Time::zero() + seconds(4);
  slow.slow_factor = 100.0;  // 10 records per poll now take 5 s
  GroupLab lab;
  lab.add("slow", config, slow);
  lab.add("fast", config, steady(milliseconds(5), CommitStyle::sync_after_processing));
  lab.run(seconds(3));
  REQUIRE(lab.consumer("slow").owned().size() == 3);
  lab.produce(1, 600);
  lab.run(seconds(30));
  CHECK(lab.app("slow").commits(CommitOutcome::commit_failed) > 0);
  const auto counts = lab.processed_counts();
  CHECK(counts.size() == 600);    // the fast member finished everything...
  CHECK(duplicates(counts) > 0);  // ...including the slow member's uncommitted poll
}

TEST_CASE("group: the coordinator's broker crashes and committed offsets survive", "[core][group][consumer]") {
  GroupLab lab;
  lab.add("a");
  lab.run(seconds(3));
  lab.produce(1, 300);
  lab.run(seconds(10));  // processed and auto-committed
  const Broker& old_coordinator = lab.coordinator_of("billing");
  const auto before = old_coordinator.group_coordinator().describe("billing");
  REQUIRE(before);
  REQUIRE(before->offsets.size() == 6);
  lab.crash("a");
  lab.cluster.sim().stop(old_coordinator.id(), StopKind::process_crash);
  lab.run(seconds(15));  // a new leader of the offsets partition coordinates the group
  const Broker& new_coordinator = lab.coordinator_of("billing");
  REQUIRE(new_coordinator.broker_id() != old_coordinator.broker_id());
  const auto after = new_coordinator.group_coordinator().describe("billing");
  REQUIRE(after);
  CHECK(after->offsets.size() == 6);
  for (const auto& [tp, committed] : before->offsets) CHECK(after->offsets.at(tp).offset == committed.offset);
  // A new member starts where the group left off: nothing is processed twice.
  lab.add("b");
  lab.produce(1001, 60);
  lab.run(seconds(15));
  std::set<std::uint64_t> seen_by_b;
  for (const ProcessedRecord& r : lab.app("b").processed()) seen_by_b.insert(r.id);
  CHECK(seen_by_b.size() == 60);
  CHECK((seen_by_b.empty() || *seen_by_b.begin() > 1000));
}

TEST_CASE("group: a static consumer restarting within the session timeout keeps its partitions, no rebalance",
          "[core][group][consumer]") {
  ConsumerConfig a = GroupLab::member_config();
  a.group_instance_id = "host-a";
  ConsumerConfig b = GroupLab::member_config();
  b.group_instance_id = "host-b";
  GroupLab lab;
  lab.add("a", a);
  lab.add("b", b);
  lab.run(seconds(5));
  const auto owned_before = lab.consumer("a").owned();
  const std::int32_t generation = lab.consumer("b").generation();
  lab.crash("a");
  lab.run(seconds(3));
  lab.cluster.sim().start(lab.consumer("a").id());
  lab.run(seconds(5));
  CHECK(lab.consumer("a").in_group());
  CHECK(lab.consumer("a").owned() == owned_before);
  CHECK(lab.consumer("b").generation() == generation);  // b never rebalanced
  CHECK(lab.consumer("a").generation() == generation);
}

TEST_CASE("group: two groups each receive every record", "[core][group][consumer]") {
  GroupLab lab;
  lab.add("billing-1", GroupLab::member_config("billing"));
  lab.add("audit-1", GroupLab::member_config("audit"));
  lab.add("audit-2", GroupLab::member_config("audit"));
  lab.run(seconds(3));
  lab.produce(1, 200);
  lab.run(seconds(10));
  std::set<std::uint64_t> billing;
  std::set<std::uint64_t> audit;
  for (const ProcessedRecord& r : lab.app("billing-1").processed()) billing.insert(r.id);
  for (const char* name : {"audit-1", "audit-2"}) {
    for (const ProcessedRecord& r : lab.app(name).processed()) audit.insert(r.id);
  }
  CHECK(billing.size() == 200);
  CHECK(audit.size() == 200);
}

TEST_CASE("group: a new group starts at the earliest or the latest offset as auto.offset.reset says",
          "[core][group][consumer]") {
  GroupLab lab;
  lab.produce(1, 100);  // already there before either group exists
  lab.run(seconds(2));
  ConsumerConfig earliest = GroupLab::member_config("from-start");
  ConsumerConfig latest = GroupLab::member_config("from-now");
  latest.auto_offset_reset = OffsetReset::latest;
  lab.add("e", earliest);
  lab.add("l", latest);
  lab.run(seconds(5));
  lab.produce(1001, 50);
  lab.run(seconds(5));
  CHECK(lab.app("e").processed().size() == 150);
  CHECK(lab.app("l").processed().size() == 50);
  for (const ProcessedRecord& r : lab.app("l").processed()) CHECK(r.id > 1000);
}

TEST_CASE("group: retention removes data under a stopped group and its reset policy applies",
          "[core][group][consumer][retention]") {
  TopicConfig topic;
  topic.log.segment_bytes = 2'000;
  topic.log.retention_ms = seconds(30);
  BrokerConfig broker = GroupLab::lab_broker();
  broker.retention_check_interval = seconds(5);
  GroupLab lab(broker, topic);
  lab.add("a");
  lab.run(seconds(3));
  lab.produce(1, 60);
  lab.run(seconds(5));  // processed and committed
  lab.crash("a");
  lab.produce(101, 600);  // arrives while the group is down...
  lab.run(seconds(60));   // ...and expires unread
  lab.produce(1001, 60);
  lab.run(seconds(1));
  lab.cluster.sim().start(lab.consumer("a").id());
  lab.run(seconds(20));
  std::set<std::uint64_t> after_restart;
  for (const ProcessedRecord& r : lab.app("a").processed()) {
    if (r.id > 100) after_restart.insert(r.id);
  }
  // The committed offsets point into deleted data: earliest skips to what retention left, so
  // the records that arrived while it was down are lost to this group, the newest are read.
  CHECK(after_restart.count(1001) == 1);
  std::size_t missed = 0;
  for (std::uint64_t id = 101; id < 701; ++id) missed += after_restart.count(id) == 0U ? 1U : 0U;
  CHECK(missed > 0);
}

TEST_CASE("group: a poison record stalls its partition, is skipped, dead-lettered, or retried through retry topics",
          "[core][group][consumer][poison]") {
  for (const ErrorHandling handling : {ErrorHandling::stop, ErrorHandling::skip, ErrorHandling::dead_letter,
                                       ErrorHandling::retry_topics, ErrorHandling::retry_in_place}) {
    INFO("pattern " << error_handling_name(handling));
    GroupLab lab;
    ProcessingSpec spec = steady(milliseconds(1));
    spec.poison = {50};
    spec.on_error = handling;
    spec.dead_letter_topic = "orders.DLT";
    spec.retry_topics = {"orders.retry-1", "orders.retry-2"};
    spec.retry_backoff = seconds(1);
    lab.add("a", GroupLab::member_config(), spec, {"orders", "orders.retry-1", "orders.retry-2"});
    lab.add("dlq", GroupLab::member_config("dlq-reader"), {}, {"orders.DLT"});
    lab.run(seconds(3));
    lab.produce(1, 200);
    lab.run(seconds(15));
    std::set<std::uint64_t> done;
    for (const ProcessedRecord& r : lab.app("a").processed()) done.insert(r.id);
    std::vector<std::uint64_t> dead;
    for (const ProcessedRecord& r : lab.app("dlq").processed()) dead.push_back(r.id);
    CHECK(done.count(50) == 0);
    const auto& failed = lab.app("a").failed();
    REQUIRE_FALSE(failed.empty());
    CHECK(failed.front().id == 50);
    if (handling == ErrorHandling::stop) {
      // Its partition stalls: the records behind it on that partition are never processed.
      std::size_t behind = 0;
      for (std::uint64_t id = 51; id <= 200; ++id) behind += done.count(id) == 0U ? 1U : 0U;
      CHECK(behind > 0);
      CHECK(failed.front().action == "stalled");
      CHECK(dead.empty());
    } else {
      CHECK(done.size() == 199);  // the stream moved on
    }
    if (handling == ErrorHandling::skip) CHECK(dead.empty());
    if (handling == ErrorHandling::dead_letter || handling == ErrorHandling::retry_in_place) {
      CHECK(dead == std::vector<std::uint64_t>{50});
      CHECK(failed.size() == 1);
    }
    if (handling == ErrorHandling::retry_topics) {
      // main -> retry-1 -> retry-2 -> dead letter, each retry after its backoff.
      CHECK(dead == std::vector<std::uint64_t>{50});
      REQUIRE(failed.size() == 3);
      CHECK(failed[0].action == "sent to orders.retry-1");
      CHECK(failed[1].action == "sent to orders.retry-2");
      CHECK(failed[2].action == "dead-lettered");
      CHECK(failed[1].at - failed[0].at >= seconds(1));
      CHECK(failed[2].at - failed[1].at >= seconds(2));
    }
  }
}

TEST_CASE("group admin: describe shows members, committed offsets and lag, as kafka-consumer-groups does",
          "[core][group][admin]") {
  GroupLab lab;
  lab.add("a");
  lab.add("b");
  lab.run(seconds(3));
  lab.produce(1, 300);
  lab.run(seconds(10));  // everything processed and auto-committed
  auto view = describe_group(lab.cluster, "billing");
  REQUIRE(view);
  CHECK(view->state == GroupState::stable);
  CHECK(view->members.size() == 2);
  REQUIRE(view->partitions.size() == 6);
  Offset total = 0;
  for (const GroupPartitionRow& row : view->partitions) {
    CHECK(!row.member.empty());
    REQUIRE(row.lag);
    CHECK(*row.lag == 0);
    total += row.committed.value();
  }
  CHECK(total == 300);
  // Both stop; 60 more records arrive: the lag shows them.
  lab.crash("a");
  lab.crash("b");
  lab.produce(1001, 60);
  lab.run(seconds(15));  // their sessions expire: the group is empty
  view = describe_group(lab.cluster, "billing");
  REQUIRE(view);
  CHECK(view->state == GroupState::empty);
  std::int64_t lag = 0;
  for (const GroupPartitionRow& row : view->partitions) {
    CHECK(row.member.empty());
    lag += row.lag.value_or(0);
  }
  CHECK(lag == 60);
}

TEST_CASE("group admin: offsets of an inactive group reset to earliest, shifted, or to a time",
          "[core][group][admin]") {
  GroupLab lab;
  lab.add("a");
  lab.run(seconds(3));
  lab.produce(1, 120);
  lab.run(seconds(5));
  const Time middle = lab.cluster.sim().now();
  lab.produce(1001, 60);
  lab.run(seconds(5));
  std::optional<ErrorCode> outcome;
  const auto reset = [&](OffsetResetSpec spec) {
    outcome.reset();
    reset_group_offsets(lab.cluster, "billing", "orders", spec, [&](ErrorCode e) { outcome = e; });
    lab.run(seconds(1));
    REQUIRE(outcome);
    return *outcome;
  };
  const auto committed_total = [&] {
    Offset total = 0;
    const std::optional<GroupAdminView> view = describe_group(lab.cluster, "billing");
    for (const GroupPartitionRow& row : view->partitions) total += row.committed.value();
    return total;
  };
  CHECK(reset(OffsetResetSpec{OffsetResetKind::to_earliest, 0, {}}) == ErrorCode::NON_EMPTY_GROUP);
  lab.consumer("a").close();  // a dynamic member leaves at once
  lab.run(seconds(1));
  lab.crash("a");
  CHECK(reset(OffsetResetSpec{OffsetResetKind::to_earliest, 0, {}}) == ErrorCode::NONE);
  CHECK(committed_total() == 0);
  CHECK(reset(OffsetResetSpec{OffsetResetKind::shift_by, 5, {}}) == ErrorCode::NONE);
  Offset shifted = 0;  // five on, but never past a partition's end
  const std::optional<GroupAdminView> shifted_view = describe_group(lab.cluster, "billing");
  REQUIRE(shifted_view);
  for (const GroupPartitionRow& row : shifted_view->partitions) {
    shifted += std::min<Offset>(5, row.log_end).value();
  }
  CHECK(committed_total() == shifted);
  CHECK(reset(OffsetResetSpec{OffsetResetKind::to_latest, 0, {}}) == ErrorCode::NONE);
  CHECK(committed_total() == 180);
  CHECK(reset(OffsetResetSpec{OffsetResetKind::to_datetime, 0, middle}) == ErrorCode::NONE);
  CHECK(committed_total() == 120);
  // The member comes back and reads from there: exactly the 60 later records.
  const std::size_t before = lab.app("a").processed().size();
  lab.cluster.sim().start(lab.consumer("a").id());
  lab.consumer("a").subscribe({"orders"});
  lab.run(seconds(10));
  std::set<std::uint64_t> reread;
  const ProcessedLog& processed = lab.app("a").processed();
  for (auto it = std::next(processed.begin(), static_cast<std::ptrdiff_t>(before)); it != processed.end(); ++it) {
    reread.insert((*it).id);
  }
  CHECK(reread.size() == 60);
  CHECK(*reread.begin() == 1001);
}

TEST_CASE("group: an empty group's offsets expire after offsets.retention.minutes", "[core][group][consumer]") {
  BrokerConfig broker = GroupLab::lab_broker();
  broker.offsets_retention = seconds(60);
  broker.offsets_retention_check_interval = seconds(10);
  GroupLab lab(broker);
  lab.add("a");
  lab.run(seconds(3));
  lab.produce(1, 60);
  lab.run(seconds(5));
  lab.consumer("a").close();
  lab.run(seconds(1));
  lab.crash("a");
  lab.run(seconds(30));  // empty, but within the retention: the offsets are kept
  auto view = describe_group(lab.cluster, "billing");
  REQUIRE(view);
  CHECK(view->state == GroupState::empty);
  CHECK(view->partitions.size() == 6);
  lab.run(seconds(45));  // past the retention: expired, and the group with them
  view = describe_group(lab.cluster, "billing");
  REQUIRE(view);
  CHECK(view->partitions.empty());
  // Back with auto.offset.reset=earliest and nothing committed: everything is read again.
  const std::size_t before = lab.app("a").processed().size();
  lab.cluster.sim().start(lab.consumer("a").id());
  lab.consumer("a").subscribe({"orders"});
  lab.run(seconds(10));
  CHECK(lab.app("a").processed().size() - before == 60);
}

TEST_CASE("group: a member cut off from the cluster is removed, and rejoins once the cut heals",
          "[core][group][consumer]") {
  GroupLab lab;
  lab.add("a");
  lab.add("b");
  lab.run(seconds(5));
  REQUIRE(lab.consumer("a").owned().size() == 3);
  const std::int32_t generation = lab.consumer("b").generation();
  Simulation& sim = lab.cluster.sim();
  sim.apply(FaultAction::on_node(sim.now(), FaultKind::isolate, lab.consumer("a").id()));
  lab.run(seconds(15));  // past the 10 s session: b has everything
  CHECK(lab.consumer("b").owned().size() == 6);
  CHECK(lab.consumer("b").generation() > generation);
  sim.apply(FaultAction::between(sim.now(), FaultKind::heal, {}, {}));
  lab.run(seconds(20));
  CHECK(lab.consumer("a").in_group());
  CHECK(lab.consumer("a").owned().size() == 3);
  CHECK(lab.consumer("b").owned().size() == 3);
}

namespace {
// When the consumer gave up on its coordinator, and how many of its commits failed at once.
class CoordinatorWatch final : public KafkaObserver {
 public:
  using KafkaObserver::on;
  void on(const EventStamp& s, const CoordinatorLost& e) override {
    if (!lost_at) lost_at = s.time;
    reasons.emplace_back(e.reason);
  }
  void on(const EventStamp& s, const CommitCompleted& e) override {
    if (e.outcome == CommitOutcome::timed_out) failed_at.push_back(s.time);
  }
  std::optional<Time> lost_at;
  std::vector<std::string> reasons;
  std::vector<Time> failed_at;
};
}  // namespace

TEST_CASE("group: a request to a silent coordinator that times out marks it unknown, and every commit in flight "
          "on that connection fails with it",
          "[core][group][consumer]") {
  ConsumerConfig config = GroupLab::member_config();
  config.request_timeout = seconds(10);
  config.auto_commit_interval = seconds(1);
  GroupLab lab;
  lab.add("a", config);
  lab.run(seconds(5));
  CoordinatorWatch watch;
  lab.cluster.events().attach(watch);
  const Time cut = lab.cluster.sim().now();
  lab.cluster.sim().stop(lab.coordinator_of("billing").id(), StopKind::power_loss);  // silent
  lab.run(seconds(11));
  // The first auto-commit after the power loss timed out 10 s after it was sent: the coordinator
  // was marked unknown then (Kafka's CoordinatorResponseHandler), not at the session timeout.
  REQUIRE(watch.lost_at);
  CHECK(*watch.lost_at - cut <= seconds(11));
  CHECK(watch.reasons.front().find("timed out") != std::string::npos);
  // The later auto-commits, queued on the same dead connection, failed at the same moment.
  REQUIRE(watch.failed_at.size() >= 5);
  for (const Time t : watch.failed_at) CHECK(t == watch.failed_at.front());
}
