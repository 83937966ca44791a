#include "gui/session.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/scenario/loader.hpp"

namespace ksim::gui {

// Collects, from the run it listens to, what the views draw as history: truncations and who
// owned which partition when.
class Session::Recorder final : public sim::TraceSink {
 public:
  explicit Recorder(Session& session) : session_(session) {}
  void on_event(const sim::TraceEvent& e) override {
    if (e.kind == "net.sent" || e.kind == "net.dropped") return message(e);
    if (e.kind == "consumer.partitions_assigned" || e.kind == "consumer.partitions_revoked" ||
        e.kind == "consumer.partitions_lost") {
      return ownership(e);
    }
    if (e.kind == "node.stopped" && session_.run_) {
      const std::string node = session_.run_->cluster().sim().node_name(e.node);
      for (Ownership& o : session_.ownership_) {
        if (o.member == node && o.to == sim::Time::max()) o.to = e.time;
      }
      return;
    }
    if (e.kind != "log.truncated") return;
    Truncation t;
    t.at = e.time;
    if (session_.run_) {  // null only while a run is being built, before anything can truncate
      const std::string node = session_.run_->cluster().sim().node_name(e.node);
      if (node.rfind("broker:", 0) == 0) t.broker = std::stoi(node.substr(7));
    }
    for (const sim::TraceField& f : e.fields) {
      if (f.key == "partition") t.partition = std::string(f.value.text());
      if (f.key == "from") t.from = f.value.integer();
      if (f.key == "to") t.to = f.value.integer();
      if (f.key == "reason") t.reason = std::string(f.value.text());
    }
    session_.truncations_.push_back(std::move(t));
  }

 private:
  void ownership(const sim::TraceEvent& e) {
    if (!session_.run_) return;
    std::string group, list;
    for (const sim::TraceField& f : e.fields) {
      if (f.key == "group") group = std::string(f.value.text());
      if (f.key == "partitions") list = std::string(f.value.text());
    }
    const std::string member = session_.run_->cluster().sim().node_name(e.node);
    const bool assigned = e.kind == "consumer.partitions_assigned";
    for (std::size_t start = 0; start < list.size();) {
      const std::size_t comma = std::min(list.find(',', start), list.size());
      const std::string partition = list.substr(start, comma - start);
      start = comma + 1;
      if (assigned) {
        session_.ownership_.push_back(Ownership{group, partition, member, e.time});
        continue;
      }
      for (Ownership& o : session_.ownership_) {
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
    std::vector<SentMessage>& ring = session_.messages_;
    if (ring.size() < kMessagesKept) {
      ring.push_back(m);
    } else {
      ring[session_.messages_next_] = m;
      session_.messages_next_ = (session_.messages_next_ + 1) % kMessagesKept;
    }
  }

  std::uint16_t intern(std::string_view label) {
    std::vector<std::string>& labels = session_.labels_;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (labels[i] == label) return static_cast<std::uint16_t>(i);
    }
    labels.emplace_back(label);
    return static_cast<std::uint16_t>(labels.size() - 1);
  }

  Session& session_;
};

std::unique_ptr<Session> Session::open(const std::string& path, const std::optional<std::string>& variant) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw core::ScenarioError(path + ": cannot be read; check the path");
  std::ostringstream text;
  text << in.rdbuf();
  return std::make_unique<Session>(text.str(), path, variant);
}

Session::Session(std::string text, std::string name, std::optional<std::string> variant)
    : text_(std::move(text)),
      name_(std::move(name)),
      variant_(std::move(variant)),
      scenario_(core::parse_scenario(text_, name_, variant_)),
      recorder_(std::make_unique<Recorder>(*this)) {
  start_run();
}

Session::~Session() = default;

void Session::start_run() {
  run_.reset();
  truncations_.clear();
  ownership_.clear();
  series_ = core::Series{};
  messages_.clear();
  messages_.reserve(kMessagesKept);
  messages_next_ = 0;
  core::RunOptions options;
  options.sinks.push_back(recorder_.get());
  options.series = &series_;
  run_ = std::make_unique<core::ScenarioRun>(scenario_, options);
}

void Session::restart() { start_run(); }

std::vector<std::pair<core::LeaderEpoch, core::Offset>> Session::epochs(core::BrokerId broker, const core::TopicPartition& tp) const {
  std::vector<std::pair<core::LeaderEpoch, core::Offset>> out;
  if (broker < 1 || broker > run_->cluster().broker_count()) return out;
  if (const core::Partition* p = run_->cluster().broker(broker).partition(tp)) {
    for (const auto& entry : p->log().epochs().entries()) out.emplace_back(entry.epoch, entry.start_offset);
  }
  return out;
}

void Session::run_to(sim::Time t) {
  t = std::clamp(t, sim::Time::zero(), end());
  if (t < now()) restart();  // the past is recomputed, never stored
  run_->run_until(t);
}

bool Session::step() { return run_->step_event(); }

bool Session::step_to_interesting() {
  const std::size_t before = run_->timeline_count_until(now());
  while (run_->step_event()) {
    if (run_->timeline_count_until(now()) > before) return true;
  }
  return false;
}

std::string Session::inject(const std::string& fault_json) {
  using Json = nlohmann::ordered_json;
  Json fault = Json::parse(fault_json, nullptr, false);
  if (fault.is_discarded() || !fault.is_object()) return "not a fault object: " + fault_json;
  const sim::Time at = now();
  // "at" first, as a lab writes it; nanoseconds, so that a replay fires at exactly this instant.
  Json stamped{{"at", std::to_string(at.ns()) + "ns"}};
  for (auto& [key, value] : fault.items()) stamped[key] = value;
  Json doc = Json::parse(text_, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return name_ + " is no longer a valid scenario";
  Json& faults = doc["faults"];
  if (faults.is_null()) faults = Json::array();
  faults.push_back(stamped);
  std::string text = doc.dump(2) + "\n";
  core::Scenario checked;
  try {
    checked = core::parse_scenario(text, name_, variant_);
  } catch (const core::ScenarioError& e) {
    return e.what();
  }
  text_ = std::move(text);
  scenario_ = std::move(checked);
  injected_.push_back(stamped.dump());
  restart();
  run_->run_until(at);
  return {};
}

std::string Session::switch_variant(const std::optional<std::string>& variant) {
  const sim::Time at = now();
  try {
    scenario_ = core::parse_scenario(text_, name_, variant);
  } catch (const core::ScenarioError& e) {
    return e.what();
  }
  variant_ = variant;
  restart();
  run_->run_until(std::min(at, end()));
  return {};
}

std::string Session::save_as(const std::string& path) const {
  // Whole or not at all: a temporary file beside the target, renamed over it.
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text_;
    if (!out.flush()) {
      std::remove(temporary.c_str());
      return "cannot write " + path;
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    return "cannot write " + path;
  }
  return {};
}

core::RunResult Session::result_at_end() const {
  core::ScenarioRun copy(scenario_, core::RunOptions{});
  return copy.run_to_end();
}

std::vector<core::GroupAdminView> Session::groups() const {
  std::vector<core::GroupAdminView> out;
  for (const core::ConsumerSpec& c : scenario_.consumers) {
    if (c.group.empty()) continue;
    if (std::any_of(out.begin(), out.end(), [&](const core::GroupAdminView& g) { return g.group == c.group; })) continue;
    if (auto view = core::describe_group(run_->cluster(), c.group)) out.push_back(std::move(*view));
  }
  return out;
}

std::vector<std::pair<sim::Time, std::string>> Session::fault_marks() const {
  std::vector<std::pair<sim::Time, std::string>> out;
  for (const core::FaultSpec& f : scenario_.faults) {
    std::string what = f.action;
    if (!f.target.empty()) what += " " + f.target;
    else if (!f.group.empty()) what += " " + f.group;
    else if (!f.topic.empty()) what += " " + f.topic;
    out.emplace_back(f.at, std::move(what));
  }
  return out;
}

std::vector<Message> Session::messages(sim::Time from, sim::Time to) const {
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

std::vector<std::string> Session::nodes() const {
  const sim::Simulation& sim = run_->cluster().sim();
  std::vector<std::string> out;
  for (std::size_t i = 0; i < sim.node_count(); ++i) {
    std::string name = sim.node_name(sim::NodeId{static_cast<std::uint32_t>(i)});
    if (name == "controller" || name.rfind("broker:", 0) == 0 || name.rfind("producer:", 0) == 0 || name.rfind("consumer:", 0) == 0) {
      out.push_back(std::move(name));
    }
  }
  return out;
}

std::vector<LinkState> Session::links() const {
  sim::Simulation& sim = run_->cluster().sim();
  const sim::Network& network = sim.network();
  std::vector<sim::NodeId> nodes{*sim.find_node("controller")};
  for (core::BrokerId b = 1; b <= run_->cluster().broker_count(); ++b) nodes.push_back(run_->cluster().broker(b).id());
  std::vector<LinkState> out;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    for (std::size_t j = i + 1; j < nodes.size(); ++j) {
      LinkState l{sim.node_name(nodes[i]), sim.node_name(nodes[j])};
      l.a_to_b_cut = network.is_blocked(nodes[i], nodes[j]);
      l.b_to_a_cut = network.is_blocked(nodes[j], nodes[i]);
      const auto overridden = [&](sim::NodeId from, sim::NodeId to) {
        const sim::LinkParams& p = network.link_params(from, to);
        const sim::LinkParams& d = network.defaults();
        return p.latency != d.latency || p.jitter != d.jitter || p.loss != d.loss || p.bandwidth_bps != d.bandwidth_bps;
      };
      l.slow = overridden(nodes[i], nodes[j]) || overridden(nodes[j], nodes[i]);
      if (l.a_to_b_cut || l.b_to_a_cut || l.slow) out.push_back(std::move(l));
    }
  }
  return out;
}

const core::NarrationEntry* Session::narration() const {
  const core::NarrationEntry* latest = nullptr;
  for (const core::NarrationEntry& n : scenario_.narration) {
    if (n.at <= now() && (latest == nullptr || n.at >= latest->at)) latest = &n;
  }
  return latest;
}

const core::NarrationEntry* Session::pause_between(sim::Time from, sim::Time to) const {
  const core::NarrationEntry* first = nullptr;
  for (const core::NarrationEntry& n : scenario_.narration) {
    if (n.pause && n.at > from && n.at <= to && (first == nullptr || n.at < first->at)) first = &n;
  }
  return first;
}

}  // namespace ksim::gui
