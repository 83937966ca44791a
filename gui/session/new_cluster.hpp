// A cluster for a live demo without a file: what the "new cluster" dialog asks, written as a
// scenario (the loader checks it like any lab, and "Save as scenario" keeps it). Qt-free.
#pragma once

#include <string>

namespace ksim::gui {

struct NewCluster {
  int brokers = 3;
  int racks = 0;  // 0: no racks; otherwise brokers go round the racks rack-a, rack-b, ...
  int topics = 1;
  int partitions = 6;
  int replication_factor = 3;
  int min_insync_replicas = 2;
  int producers = 1;          // each sends to the topics in turn
  int rate = 1000;            // records per second, per producer
  std::string acks = "all";
  int groups = 1;             // each subscribes to every topic
  int members = 2;            // per group
  int duration_seconds = 120;
};

// The scenario file's JSON text.
std::string new_cluster_scenario(const NewCluster& c);

}  // namespace ksim::gui
