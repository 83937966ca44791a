// Play: one run of a scenario as the GUI shows it, with the history its views draw (truncations,
// partition ownership, group epochs, the charts' series, the latest messages) collected from the run's trace.
// A session has one current play; checkpoints park others at earlier moments. Nothing here
// touches Qt, and a play shares nothing with another, so one can be built on another thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/scenario/runner.hpp"
#include "core/scenario/scenario.hpp"
#include "core/scenario/series.hpp"

namespace ksim::gui {

// A stretch of offsets a replica removed from its log (truncation after a leader change, the
// legacy truncation to the high watermark, a lost disk): records that replica held and lost.
struct Truncation {
  sim::Time at;
  core::BrokerId broker = core::kNoBroker;
  core::TopicPartition partition;
  core::Offset from = 0;  // the removed offsets are [from, to)
  core::Offset to = 0;
  std::string reason;
};

// Who held a partition of a group, from when to when (`to` is max while it still does): the
// run's ownership tracker (core/check/ownership_tracker.hpp) keeps them.
using Ownership = core::OwnershipHold;

// A group's new epoch: a classic generation that settled with members, or a target assignment of
// the consumer protocol (the group epoch). The rebalance timeline marks each one.
struct GroupEpochMark {
  sim::Time at;
  std::string group;
  std::int32_t epoch = 0;
  bool consumer_protocol = false;
};

// What the sequence diagram draws: a message between two nodes, one of its transmissions that was
// lost (TCP sends it again), or an event of a connection.
enum class MessageKind : std::uint8_t {
  message,        // a request or a response, as first sent
  retransmission, // the same message sent again after a lost transmission
  delayed,        // a transmission lost to a cut, a lossy link or a host without power
  dropped,        // the message died with its connection
  connected,      // `from`'s connection to `to` completed its handshake
  closed,         // `from` closed its connection to `to`
  ended,          // `from`'s connection to `to` ended from afar (`why`: reset, refused, timed out, ...)
};

// A connection event rather than a message: drawn as a mark on the node's lifeline.
inline bool is_connection_event(MessageKind kind) {
  return kind == MessageKind::connected || kind == MessageKind::closed || kind == MessageKind::ended;
}

struct Message {
  sim::Time sent;
  sim::Time arrival;  // when it reaches `to` (later than now while in flight; max while it waits
                      // behind a lost one); for a delayed one, when it is sent again
  std::string from, to;
  std::string label;  // "Produce", "FetchResponse", ...; for a connection event "connected",
                      // "closed" or "ended"
  MessageKind kind = MessageKind::message;
  std::string why;    // delayed: "partition", "loss", "host-down"; dropped: "connection-reset",
                      // "not-connected"; an ended connection: "refused", "reset", "closed", "timed-out"
  bool dropped() const { return kind == MessageKind::dropped; }
};

class Play {
 public:
  explicit Play(const core::Scenario& scenario);
  ~Play();
  Play(const Play&) = delete;
  Play& operator=(const Play&) = delete;

  core::ScenarioRun& run() const { return *run_; }
  const std::vector<Truncation>& truncations() const { return truncations_; }
  const std::vector<Ownership>& ownership() const { return run_->ownership().holds(); }
  const std::vector<GroupEpochMark>& group_epochs() const { return group_epochs_; }
  const core::Series& series() const { return series_; }
  // The messages sent in [from, to] (at most the last kMessagesKept), in the order sent.
  std::vector<Message> messages(sim::Time from, sim::Time to) const;
  static constexpr std::size_t kMessagesKept = 1 << 16;

 private:
  class Recorder;
  struct SentMessage {
    sim::Time sent, arrival;
    sim::NodeId from, to;
    std::uint16_t label = 0;  // into labels_
    std::uint16_t why = 0;    // into labels_
    MessageKind kind = MessageKind::message;
  };

  std::unique_ptr<Recorder> recorder_;  // listens to run_; outlives it
  std::vector<Truncation> truncations_;
  std::vector<GroupEpochMark> group_epochs_;
  core::Series series_;
  // The latest messages, a ring: the diagram shows the moments before now.
  std::vector<SentMessage> messages_;
  std::size_t messages_next_ = 0;  // where the next one goes once the ring is full
  std::vector<std::string> labels_;
  std::unique_ptr<core::ScenarioRun> run_;
};

}  // namespace ksim::gui
