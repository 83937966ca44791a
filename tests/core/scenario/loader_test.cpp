#include <catch2/catch.hpp>

#include "core/scenario/loader.hpp"

using namespace ksim::core;

namespace {

// A small valid scenario; tests replace one part with something wrong.
std::string scenario(const std::string& topics = R"([{"name": "orders", "partitions": 3, "replication.factor": 3}])",
                     const std::string& extra = "") {
  return R"({"name": "t", "duration": "10s", "cluster": {"brokers": 3}, "topics": )" + topics +
         R"(, "producers": [{"name": "p", "topic": "orders", "rate": 100}],
             "consumers": [{"group": "billing", "topics": ["orders"]}])" + extra + "}";
}

std::string error_of(const std::string& text) {
  try {
    parse_scenario(text, "lab.json");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("scenario loader: a valid file loads with Kafka's configs applied", "[core][scenario]") {
  const Scenario s = parse_scenario(
      scenario(R"([{"name": "orders", "partitions": 3, "replication.factor": 3, "config": {"min.insync.replicas": 2}}])",
               R"(, "faults": [{"at": "5s", "do": "crash", "target": "leader-of:orders-1"}],
                  "expect": ["acked_lost == 0", "rebalances[billing] >= 1"])"),
      "lab.json");
  CHECK(s.topics.at(0).config.min_insync_replicas == 2);
  CHECK(s.producers.at(0).workload.rate == 100);
  CHECK(s.consumers.at(0).config.group_id == std::optional<std::string>("billing"));
  CHECK(s.faults.at(0).target == "leader-of:orders-1");
  CHECK(s.expect.size() == 2);
  CHECK(s.expect.at(1).figure == "rebalances[billing]");
}

TEST_CASE("scenario loader: the cluster's configs set the brokers' and the metadata quorum's", "[core][scenario]") {
  std::string text = scenario();
  text.replace(text.find(R"("brokers": 3})"), 13,
               R"("brokers": 3, "controllers": 5, "config": {"controller.quorum.fetch.timeout.ms": 4000,
                   "controller.quorum.election.timeout.ms": "500ms", "ksim.controller.quorum.pre.vote": false,
                   "metadata.max.idle.interval.ms": 200, "broker.session.timeout.ms": 6000}})");
  const Scenario s = parse_scenario(text, "lab.json");
  CHECK(s.cluster.controllers == 5);
  CHECK(s.cluster.quorum.fetch_timeout == ksim::sim::milliseconds(4000));
  CHECK(s.cluster.quorum.election_timeout == ksim::sim::milliseconds(500));
  CHECK_FALSE(s.cluster.quorum.pre_vote);
  CHECK(s.cluster.broker.metadata_max_idle_interval == ksim::sim::milliseconds(200));
  CHECK(s.cluster.broker.session_timeout == ksim::sim::milliseconds(6000));
  std::string typo = scenario();
  typo.replace(typo.find(R"("brokers": 3})"), 13, R"("brokers": 3, "config": {"controller.quorum.fetch.timeout": 4000}})");
  CHECK_THAT(error_of(typo), Catch::Contains("cluster.config.controller.quorum.fetch.timeout: unknown broker config"));
  CHECK_THAT(error_of(typo), Catch::Contains("did you mean \"controller.quorum.fetch.timeout.ms\"?"));
  // The static voter set as Kafka writes it sets the number of controllers.
  const auto with_voters = [](const std::string& voters) {
    std::string t = scenario();
    t.replace(t.find(R"("brokers": 3})"), 13, R"("brokers": 3, "config": {"controller.quorum.voters": ")" + voters + R"("}})");
    return t;
  };
  CHECK(parse_scenario(with_voters("1001@controller-1:9093"), "lab.json").cluster.controllers == 1);
  CHECK(parse_scenario(with_voters("1001@c1:9093,1002@c2:9093,1003@c3:9093,1004@c4:9093,1005@c5:9093"), "lab.json").cluster.controllers == 5);
  CHECK_THAT(error_of(with_voters("1@c1:9093,2@c2:9093,3@c3:9093")),
             Catch::Contains("write \"1001@controller-1:9093,1002@controller-2:9093,1003@controller-3:9093\""));
  CHECK_THAT(error_of(with_voters("1001@c1:9093,1002@c2:9093")), Catch::Contains("names 2 voters; ksim runs 1, 3 or 5"));
  CHECK_THAT(error_of(with_voters("1001-c1")), Catch::Contains("is not a voter; write each as NODE_ID@HOST:PORT"));
}

TEST_CASE("scenario loader: mistakes are named with the file, the place and the fix", "[core][scenario]") {
  CHECK_THAT(error_of(scenario(R"([{"name": "orders", "partitions": 3, "replication.factor": 3, "config": {"min.insync.replica": 2}}])")),
             Catch::Contains("lab.json: topics[0].config.min.insync.replica: unknown topic config \"min.insync.replica\"; did you mean \"min.insync.replicas\"?"));
  CHECK_THAT(error_of(scenario(R"([{"name": "orders", "partitions": 3, "replication.factor": 4}])")),
             Catch::Contains("topics[0].replication.factor: is 4 but the cluster has 3 brokers"));
  CHECK_THAT(error_of(scenario(R"([{"name": "orders", "partitions": 3, "replication.factor": 2, "config": {"min.insync.replicas": 3}}])")),
             Catch::Contains("min.insync.replicas (3) is above replication.factor (2)"));
  CHECK_THAT(error_of(scenario(R"([{"name": "orders", "partitons": 3}])")),
             Catch::Contains("topics[0].partitons: unknown key \"partitons\"; did you mean \"partitions\"?"));
  CHECK_THAT(error_of(scenario(R"([{"name": "orders", "partitions": -1}])")),
             Catch::Contains("topics[0].partitions: must be between 1 and 10000"));
  CHECK_THAT(error_of(scenario(R"([{"name": "orders", "partitions": 3}])", R"(, "faults": [{"at": "5s", "do": "crash", "target": "leader-of:orders-9"}])")),
             Catch::Contains("faults[0].target: \"leader-of:orders-9\": partition orders-9 does not exist"));
  CHECK_THAT(error_of(scenario(R"([{"name": "orders", "partitions": 3}])", R"(, "faults": [{"at": "5s", "do": "crsh", "target": "broker:1"}])")),
             Catch::Contains("did you mean \"crash\"?"));
  CHECK_THAT(error_of(scenario(R"([{"name": "orders", "partitions": 3}])", R"(, "faults": [{"at": "99s", "do": "crash", "target": "broker:1"}])")),
             Catch::Contains("faults[0].at: comes after the end of the run"));
  CHECK_THAT(error_of(scenario(R"([{"name": "orders", "partitions": 3}])", R"(, "expect": ["rebalances[audit] == 1"])")),
             Catch::Contains("expect[0]: \"rebalances[audit]\": no consumer group or consumer \"audit\" is defined"));
  CHECK_THAT(error_of(scenario(R"([{"name": "orders", "partitions": 3}])", R"(, "expect": ["acked_lots == 0"])")),
             Catch::Contains("did you mean \"acked_lost\"?"));
  CHECK_THAT(error_of(R"({"name": "t", "duration": 10})"), Catch::Contains("duration: must be a duration written as a string"));
  CHECK_THAT(error_of("{\"name\": "), Catch::Contains("lab.json: not valid JSON"));
  CHECK_THAT(error_of(std::string(100, '[') + std::string(100, ']')), Catch::Contains("nests deeper than 32 levels"));
  CHECK_THAT(error_of("{\"name\": \"\xff\xfe\"}"), Catch::Contains("not valid JSON"));
  std::string fast = scenario(R"([{"name": "orders", "partitions": 3}])");
  fast.replace(fast.find("\"rate\": 100"), 11, "\"rate\": \"fast\"");
  CHECK_THAT(error_of(fast), Catch::Contains("producers[0].rate: must be a number"));
}

TEST_CASE("scenario loader: a variant patches by name and brings its own expectations", "[core][scenario]") {
  const std::string text = scenario(R"([{"name": "orders", "partitions": 3, "replication.factor": 3}])",
                                    R"(, "expect": ["acked_lost > 0"],
                                       "variants": [{"name": "safe", "patch": {"producers": [{"name": "p", "config": {"acks": "all"}}],
                                                     "topics": [{"name": "orders", "config": {"min.insync.replicas": 2}}]},
                                                     "expect": ["acked_lost == 0"]}])");
  const Scenario base = parse_scenario(text, "lab.json");
  CHECK(base.variant_names == std::vector<std::string>{"safe"});
  const Scenario safe = parse_scenario(text, "lab.json", std::string("safe"));
  CHECK(safe.producers.at(0).config.acks == -1);
  CHECK(safe.topics.at(0).config.min_insync_replicas == 2);
  CHECK(safe.topics.at(0).partitions == 3);  // untouched keys stay
  REQUIRE(safe.expect.size() == 1);
  CHECK(safe.expect.at(0).op == "==");
  try {
    parse_scenario(text, "lab.json", std::string("unsafe"));
    FAIL("an unknown variant must be refused");
  } catch (const ScenarioError& e) {
    CHECK_THAT(e.what(), Catch::Contains("no variant \"unsafe\"; the file defines safe"));
  }
}

TEST_CASE("scenario loader: a variant removes a key by patching it to null", "[core][scenario]") {
  const std::string text = R"({"name": "t", "duration": "10s", "cluster": {"brokers": 3},
      "topics": [{"name": "orders", "partitions": 3, "replication.factor": 3}],
      "consumers": [{"group": "g", "topics": ["orders"], "config": {"partition.assignment.strategy": "range"}}],
      "variants": [{"name": "kip848", "patch": {"consumers": [{"group": "g", "config": {
          "group.protocol": "consumer", "partition.assignment.strategy": null}}]}}]})";
  const Scenario base = parse_scenario(text, "lab.json");
  CHECK(base.consumers.at(0).config.group_protocol == GroupProtocol::classic);
  CHECK(base.consumers.at(0).config.assignors == std::vector<std::string>{"range"});
  // Without the null, the consumer protocol would refuse partition.assignment.strategy.
  const Scenario kip848 = parse_scenario(text, "lab.json", std::string("kip848"));
  CHECK(kip848.consumers.at(0).config.group_protocol == GroupProtocol::consumer);
  CHECK(kip848.consumers.at(0).config.assignors == ConsumerConfig{}.assignors);
}

TEST_CASE("scenario loader: each producer's record ids start a billion apart and name their producer",
          "[core][scenario]") {
  const std::string text = R"({"name": "t", "duration": "10s", "cluster": {"brokers": 3},
      "topics": [{"name": "orders", "partitions": 3, "replication.factor": 3}],
      "producers": [{"name": "a", "topic": "orders", "rate": 100}, {"name": "b", "topic": "orders", "rate": 100},
                    {"name": "c", "topic": "orders", "rate": 100}]})";
  const Scenario s = parse_scenario(text, "lab.json");
  REQUIRE(s.producers.size() == 3);
  for (std::uint64_t i = 0; i < 3; ++i) {
    const std::uint64_t first = s.producers.at(i).workload.first_id;
    CHECK(first == 1 + i * 1'000'000'000ULL);
    CHECK(producer_index_of_record(first) == i);
    CHECK(producer_index_of_record(first + 999'999'998) == i);  // the producer's last possible id
  }
}
