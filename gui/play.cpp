#include "gui/play.hpp"

#include <algorithm>

namespace ksim::gui {

// Collects, from the run it listens to, what the views draw as history: truncations, who owned
// which partition when, and the latest messages.
class Play::Recorder final : public sim::TraceSink {
 public:
  explicit Recorder(Play& play) : play_(play) {}
  void on_event(const sim::TraceEvent& e) override {
    if (e.kind == "net.sent" || e.kind == "net.dropped") return message(e);
    if (e.kind == "consumer.partitions_assigned" || e.kind == "consumer.partitions_revoked" ||
        e.kind == "consumer.partitions_lost") {
      return ownership(e);
    }
    if (e.kind == "node.stopped" && play_.run_) {
      const std::string node = play_.run_->cluster().sim().node_name(e.node);
      for (Ownership& o : play_.ownership_) {
        if (o.member == node && o.to == sim::Time::max()) o.to = e.time;
      }
      return;
    }
    if (e.kind != "log.truncated") return;
    Truncation t;
    t.at = e.time;
    if (play_.run_) {  // null only while a run is being built, before anything can truncate
      const std::string node = play_.run_->cluster().sim().node_name(e.node);
      if (node.rfind("broker:", 0) == 0) t.broker = std::stoi(node.substr(7));
    }
    for (const sim::TraceField& f : e.fields) {
      if (f.key == "partition") t.partition = std::string(f.value.text());
      if (f.key == "from") t.from = f.value.integer();
      if (f.key == "to") t.to = f.value.integer();
      if (f.key == "reason") t.reason = std::string(f.value.text());
    }
    play_.truncations_.push_back(std::move(t));
  }

 private:
  void ownership(const sim::TraceEvent& e) {
    if (!play_.run_) return;
    std::string group, list;
    for (const sim::TraceField& f : e.fields) {
      if (f.key == "group") group = std::string(f.value.text());
      if (f.key == "partitions") list = std::string(f.value.text());
    }
    const std::string member = play_.run_->cluster().sim().node_name(e.node);
    const bool assigned = e.kind == "consumer.partitions_assigned";
    for (std::size_t start = 0; start < list.size();) {
      const std::size_t comma = std::min(list.find(',', start), list.size());
      const std::string partition = list.substr(start, comma - start);
      start = comma + 1;
      if (assigned) {
        play_.ownership_.push_back(Ownership{group, partition, member, e.time});
        continue;
      }
      for (Ownership& o : play_.ownership_) {
        if (o.group == group && o.partition == partition && o.member == member && o.to == sim::Time::max()) o.to = e.time;
      }
    }
  }

  void message(const sim::TraceEvent& e) {
    SentMessage m;
    m.sent = e.time;
    m.arrival = e.time;
    m.from = e.node;
    m.dropped = e.kind == "net.dropped";
    for (const sim::TraceField& f : e.fields) {
      if (f.key == "to") m.to = f.value.node();
      if (f.key == "label") m.label = intern(f.value.text());
      if (f.key == "reason") m.why = intern(f.value.text());
      if (f.key == "arrival_ns") m.arrival = sim::Time::zero() + sim::Duration::from_ns(f.value.integer());
    }
    std::vector<SentMessage>& ring = play_.messages_;
    if (ring.size() < Play::kMessagesKept) {
      ring.push_back(m);
    } else {
      ring[play_.messages_next_] = m;
      play_.messages_next_ = (play_.messages_next_ + 1) % Play::kMessagesKept;
    }
  }

  std::uint16_t intern(std::string_view label) {
    std::vector<std::string>& labels = play_.labels_;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (labels[i] == label) return static_cast<std::uint16_t>(i);
    }
    labels.emplace_back(label);
    return static_cast<std::uint16_t>(labels.size() - 1);
  }

  Play& play_;
};

Play::Play(const core::Scenario& scenario) : recorder_(std::make_unique<Recorder>(*this)) {
  messages_.reserve(kMessagesKept);
  core::RunOptions options;
  options.sinks.push_back(recorder_.get());
  options.series = &series_;
  run_ = std::make_unique<core::ScenarioRun>(scenario, options);
}

Play::~Play() { run_.reset(); }  // the run first: it may still hold the recorder

std::vector<Message> Play::messages(sim::Time from, sim::Time to) const {
  std::vector<Message> out;
  const sim::Simulation& sim = run_->cluster().sim();
  for (std::size_t i = 0; i < messages_.size(); ++i) {
    // Oldest first: once the ring is full, the oldest is where the next one would go.
    const SentMessage& m = messages_[(messages_next_ + i) % messages_.size()];
    if (m.sent < from || m.sent > to) continue;
    out.push_back(Message{m.sent, m.arrival, sim.node_name(m.from), sim.node_name(m.to), labels_[m.label], m.dropped,
                          m.dropped ? labels_[m.why] : std::string()});
  }
  return out;
}

}  // namespace ksim::gui
