#include "gui/session/new_cluster.hpp"

#include <nlohmann/json.hpp>

namespace ksim::gui {

std::string new_cluster_scenario(const NewCluster& c) {
  using Json = nlohmann::ordered_json;
  Json doc;
  doc["name"] = "A new cluster";
  doc["summary"] = std::to_string(c.brokers) + " brokers, " + std::to_string(c.topics) + " topic(s) of " + std::to_string(c.partitions) +
                   " partitions (RF " + std::to_string(c.replication_factor) + "), built by hand for a live demo.";
  doc["seed"] = 1;
  doc["duration"] = std::to_string(c.duration_seconds) + "s";
  Json cluster{{"brokers", c.brokers}};
  if (c.racks > 0) {
    Json racks = Json::array();
    for (int b = 0; b < c.brokers; ++b) racks.push_back(std::string("rack-") + static_cast<char>('a' + b % c.racks));
    cluster["racks"] = racks;
  }
  doc["cluster"] = cluster;
  Json topics = Json::array();
  Json names = Json::array();
  for (int t = 1; t <= c.topics; ++t) {
    const std::string name = "topic-" + std::to_string(t);
    names.push_back(name);
    topics.push_back({{"name", name},
                      {"partitions", c.partitions},
                      {"replication.factor", c.replication_factor},
                      {"config", {{"min.insync.replicas", c.min_insync_replicas}}}});
  }
  doc["topics"] = topics;
  Json producers = Json::array();
  for (int p = 1; p <= c.producers; ++p) {
    producers.push_back({{"name", "producer-" + std::to_string(p)},
                         {"topic", names[static_cast<std::size_t>((p - 1) % c.topics)]},
                         {"rate", c.rate},
                         {"config", {{"acks", c.acks}}}});
  }
  doc["producers"] = producers;
  Json consumers = Json::array();
  for (int g = 1; g <= c.groups; ++g) {
    consumers.push_back({{"group", "group-" + std::to_string(g)},
                         {"members", c.members},
                         {"topics", names},
                         {"processing", "1ms"},
                         {"config", {{"auto.offset.reset", "earliest"}}}});
  }
  doc["consumers"] = consumers;
  return doc.dump(2) + "\n";
}

}  // namespace ksim::gui
