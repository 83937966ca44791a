#include "gui/session/play.hpp"

#include <algorithm>

namespace ksim::gui {

// Collects, from the run it follows, what the views draw as history and the run does not keep:
// truncations, group epochs and the latest messages. (Who owned what when, the run's ownership tracker keeps.)
class Play::Recorder final : public core::KafkaObserver {
 public:
  explicit Recorder(Play& play) : play_(play) {}
  using core::KafkaObserver::on;

  void on(const core::EventStamp& s, const sim::MessageSent& e) override {
    message(SentMessage{s.time, e.arrival, s.node, e.to, intern(e.label), 0, MessageKind::message});
  }
  void on(const core::EventStamp& s, const sim::MessageRetransmitted& e) override {
    message(SentMessage{s.time, e.arrival, s.node, e.to, intern(e.label), 0, MessageKind::retransmission});
  }
  void on(const core::EventStamp& s, const sim::MessageDelayed& e) override {
    message(SentMessage{s.time, e.retry, s.node, e.to, intern(e.label), intern(e.reason), MessageKind::delayed});
  }
  void on(const core::EventStamp& s, const sim::MessageDropped& e) override {
    message(SentMessage{s.time, s.time, s.node, e.to, intern(e.label), intern(e.reason), MessageKind::dropped});
  }
  void on(const core::EventStamp& s, const sim::ConnectionEstablished& e) override {
    message(SentMessage{s.time, s.time, s.node, e.peer, intern("connected"), 0, MessageKind::connected});
  }
  void on(const core::EventStamp& s, const sim::ConnectionClosed& e) override {
    message(SentMessage{s.time, s.time, s.node, e.peer, intern("closed"), 0, MessageKind::closed});
  }
  void on(const core::EventStamp& s, const sim::ConnectionReset& e) override {
    message(SentMessage{s.time, s.time, s.node, e.peer, intern("ended"), intern(e.reason), MessageKind::ended});
  }
  void on(const core::EventStamp& s, const core::LogTruncated& e) override {
    Truncation t;
    t.at = s.time;
    // The run is null only while it is being built, before anything can truncate.
    if (play_.run_) t.broker = play_.run_->cluster().broker_of(s.node);
    t.partition = e.tp;
    t.from = e.from;
    t.to = e.to;
    t.reason = std::string(e.reason);
    play_.truncations_.push_back(std::move(t));
  }
  void on(const core::EventStamp& s, const core::GroupGenerationPersisted& e) override {
    if (e.state == core::GroupState::stable && e.members > 0) {
      play_.group_epochs_.push_back(GroupEpochMark{s.time, std::string(e.group), e.generation, false});
    }
  }
  void on(const core::EventStamp& s, const core::ConsumerGroupTargetComputed& e) override {
    if (e.members > 0) play_.group_epochs_.push_back(GroupEpochMark{s.time, std::string(e.group), e.epoch, true});
  }

 private:
  void message(const SentMessage& m) {
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
  options.observers.push_back(recorder_.get());
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
    const bool has_why = m.kind == MessageKind::delayed || m.kind == MessageKind::dropped || m.kind == MessageKind::ended;
    out.push_back(Message{m.sent, m.arrival, sim.node_name(m.from), sim.node_name(m.to), labels_[m.label], m.kind,
                          has_why ? labels_[m.why] : std::string()});
  }
  return out;
}

}  // namespace ksim::gui
