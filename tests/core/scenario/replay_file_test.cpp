// Replay files: the document a run read, a seed and extra faults, loadable as the same scenario.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "core/scenario/loader.hpp"
#include "core/scenario/replay_file.hpp"

using namespace ksim::core;

namespace {

const char* kLab = R"({"name": "lab", "duration": "20s", "seed": 4, "cluster": {"brokers": 3},
  "topics": [{"name": "orders", "partitions": 2, "replication.factor": 3}],
  "producers": [{"name": "p", "topic": "orders", "rate": 100, "config": {"acks": "all"}}],
  "faults": [{"at": "5s", "do": "crash", "target": "broker:1"}, {"at": "9s", "do": "restart", "target": "broker:1"}],
  "expect": ["acked_lost == 0"],
  "variants": [{"name": "one", "patch": {"producers": [{"name": "p", "config": {"acks": "1"}}]}, "expect": ["acked > 10"]}]})";

std::string write_lab() {
  const std::string path = (std::filesystem::temp_directory_path() / "ksim-replay-test-lab.json").string();
  std::ofstream(path) << kLab;
  return path;
}

// Loads a document given as text.
Scenario load_text(const std::string& text) { return parse_scenario(text, "replay.json"); }

}  // namespace

TEST_CASE("replay file: the variant as the run read it, the seed, and extra faults in firing order", "[core][scenario]") {
  const std::string path = write_lab();
  FaultSpec cut;
  cut.at = ksim::sim::Time::zero() + ksim::sim::seconds(5);  // the same instant as the file's crash: after it
  cut.type = FaultType::partition;
  cut.between = {{"leader-of:orders-0"}, {"rest"}};
  FaultSpec heal;
  heal.at = ksim::sim::Time::zero() + ksim::sim::milliseconds(7500);
  heal.type = FaultType::heal;
  FaultSpec slow;
  slow.at = ksim::sim::Time::zero() + ksim::sim::seconds(2);
  slow.type = FaultType::slow_link;
  slow.between = {{"broker:2"}, {"broker:3"}};
  slow.link.latency = ksim::sim::milliseconds(250);
  slow.link.loss = 0.25;
  const Scenario replay = load_text(replay_document(path, std::string("one"), 77, {cut, heal, slow}, "seed 77"));
  CHECK(replay.name == "lab (seed 77)");
  CHECK(replay.seed == 77);
  CHECK(replay.variant_names.empty());                 // one run: no variants left
  REQUIRE(replay.producers.size() == 1);
  CHECK(replay.producers[0].config.acks == 1);         // the variant's patch
  REQUIRE(replay.expect.size() == 1);
  CHECK(replay.expect[0].text == "acked > 10");        // the variant's expectations
  REQUIRE(replay.faults.size() == 5);
  CHECK(replay.faults[0].type == FaultType::slow_link);
  CHECK(replay.faults[0].link.latency == ksim::sim::milliseconds(250));
  CHECK(replay.faults[0].link.loss == 0.25);
  CHECK(replay.faults[1].type == FaultType::crash);    // the file's fault first at 5 s
  CHECK(replay.faults[2].type == FaultType::partition);
  CHECK(replay.faults[2].between[1] == std::vector<std::string>{"rest"});
  CHECK(replay.faults[3].type == FaultType::heal);
  CHECK(replay.faults[3].at == heal.at);
  CHECK(replay.faults[3].between.empty());
  CHECK(replay.faults[4].type == FaultType::restart);
  std::filesystem::remove(path);
}

TEST_CASE("replay file: faults it cannot write are refused, not dropped", "[core][scenario]") {
  const std::string path = write_lab();
  FaultSpec config;
  config.type = FaultType::set_config;
  CHECK_THROWS_AS(replay_document(path, std::nullopt, 1, {config}, "x"), std::invalid_argument);
  std::filesystem::remove(path);
}
