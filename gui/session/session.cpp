#include "gui/session/session.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <utility>

#include "core/scenario/loader.hpp"

namespace ksim::gui {

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
      scenario_(core::parse_scenario(text_, name_, variant_)) {
  reset_plays();
}

Session::~Session() = default;

void Session::reset_plays() {
  checkpoints_.reset(scenario_);
  figures_worker_.reset(scenario_);
  checkpoints_.dispose(std::exchange(play_, std::make_unique<Play>(scenario_)));
}

sim::Duration Session::checkpoint_interval() const {
  return std::max(sim::seconds(1), sim::Duration::from_ns((end() - sim::Time::zero()).ns() / 12));
}

void Session::want_checkpoints() {
  // The three checkpoint moments at or before now, for stepping back a little, and two further
  // back (a half and a quarter of the way), for jumping back far: at most five plays parked, a
  // rewind never runs more than a quarter of the way from the start.
  const sim::Duration interval = checkpoint_interval();
  const std::int64_t latest = (now() - sim::Time::zero()).ns() / interval.ns();
  std::vector<sim::Time> moments;
  for (const std::int64_t k : {latest, latest - 1, latest - 2, latest / 2, latest / 4}) {
    const sim::Time at = sim::Time::zero() + sim::Duration::from_ns(k * interval.ns());
    if (k >= 1 && std::find(moments.begin(), moments.end(), at) == moments.end()) moments.push_back(at);
  }
  checkpoints_.want(std::move(moments));
}

std::vector<std::pair<core::LeaderEpoch, core::Offset>> Session::epochs(core::BrokerId broker, const core::TopicPartition& tp) const {
  std::vector<std::pair<core::LeaderEpoch, core::Offset>> out;
  core::Cluster& cluster = play_->run().cluster();
  if (broker < 1 || broker > cluster.broker_count()) return out;
  if (const core::Partition* p = cluster.broker(broker).partition(tp)) {
    for (const auto& entry : p->log().epochs().entries()) out.emplace_back(entry.epoch, entry.start_offset);
  }
  return out;
}

void Session::go_back_to(sim::Time t) {
  if (t >= now()) return;
  // The past is recomputed, never stored: from a checkpoint when one is parked behind `t`.
  std::unique_ptr<Play> parked = checkpoints_.take(t);
  last_rewind_from_ = parked ? parked->run().now() : sim::Time::zero();
  checkpoints_.dispose(std::exchange(play_, parked ? std::move(parked) : std::make_unique<Play>(scenario_)));
}

void Session::run_to(sim::Time t) {
  const Checkpoints::Hold hold(checkpoints_);
  t = std::clamp(t, sim::Time::zero(), end());
  go_back_to(t);
  play_->run().run_until(t);
  want_checkpoints();
}

bool Session::step() { return play_->run().step_event(); }

bool Session::step_to_interesting() {
  return step_until_timeline_exceeds(timeline_size(), std::chrono::steady_clock::time_point::max()) == Search::found;
}

Session::Search Session::step_until_timeline_exceeds(std::size_t baseline, std::chrono::steady_clock::time_point deadline) {
  const Checkpoints::Hold hold(checkpoints_);
  core::ScenarioRun& run = play_->run();
  Search result = Search::out_of_time;
  // The clock is read every 256 events: reading it costs more than most events.
  for (std::uint32_t n = 1;; ++n) {
    if (!run.step_event()) {
      result = Search::end;
      break;
    }
    if (run.timeline_count_until(now()) > baseline) {
      result = Search::found;
      break;
    }
    if (n % 256 == 0 && std::chrono::steady_clock::now() >= deadline) break;
  }
  want_checkpoints();
  return result;
}

std::string Session::inject(const std::string& fault_json, Replay replay) {
  using Json = nlohmann::ordered_json;
  const Json fault = Json::parse(fault_json, nullptr, false);
  if (fault.is_discarded() || !fault.is_object()) return "not a fault object: " + fault_json;
  Json doc = Json::parse(text_, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return name_ + " is no longer a valid scenario";
  if (doc["faults"].is_null()) doc["faults"] = Json::array();
  const std::string where = "faults[" + std::to_string(doc["faults"].size()) + "]";
  // The scenario with the fault stamped at `at` ("at" first, as a lab writes it; nanoseconds, so
  // that a replay fires at exactly this instant), checked by the loader.
  struct Stamped {
    std::string fault, text;
    core::Scenario scenario;
  };
  const auto stamp = [&](sim::Time at) {
    Json stamped{{"at", std::to_string(at.ns()) + "ns"}};
    for (const auto& [key, value] : fault.items()) stamped[key] = value;
    Json with = doc;
    with["faults"].push_back(stamped);
    Stamped out{stamped.dump(), with.dump(2) + "\n", {}};
    out.scenario = core::parse_scenario(out.text, name_, variant_);
    return out;
  };
  const auto adopt = [&](Stamped stamped) {
    text_ = std::move(stamped.text);
    scenario_ = std::move(stamped.scenario);
    injected_.push_back(std::move(stamped.fault));
    checkpoints_.reset(scenario_);
    figures_worker_.reset(scenario_);
  };
  try {
    // At once, when nothing is due before the next nanosecond: the running play takes the fault
    // as a file would have given it (ScenarioRun::add_fault), with no replay.
    const sim::Time next = now() + sim::Duration::from_ns(1);
    if (next <= end()) {
      Stamped stamped = stamp(next);
      const auto added = std::find_if(stamped.scenario.faults.begin(), stamped.scenario.faults.end(),
                                      [&](const core::FaultSpec& f) { return f.where == where; });
      if (added != stamped.scenario.faults.end() && play_->run().add_fault(*added)) {
        adopt(std::move(stamped));
        last_fault_replayed_ = false;
        fault_moment_ = next;
        play_->run().run_until(next);
        want_checkpoints();
        return {};
      }
    }
    // Otherwise at this very instant, replayed from the start: the fault fires before anything
    // else due now, as in the file.
    const sim::Time at = now();
    adopt(stamp(at));
    last_fault_replayed_ = true;
    fault_moment_ = at;
    checkpoints_.dispose(std::exchange(play_, std::make_unique<Play>(scenario_)));
    if (replay == Replay::now) run_to(at);
  } catch (const core::ScenarioError& e) {
    return e.what();
  }
  return {};
}

std::string Session::reload(const std::optional<std::string>& variant) {
  try {
    scenario_ = core::parse_scenario(text_, name_, variant);
  } catch (const core::ScenarioError& e) {
    return e.what();
  }
  variant_ = variant;
  reset_plays();
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
    if (auto view = core::describe_group(play_->run().cluster(), c.group)) out.push_back(std::move(*view));
  }
  return out;
}

std::vector<std::pair<sim::Time, std::string>> Session::fault_marks() const {
  std::vector<std::pair<sim::Time, std::string>> out;
  for (const core::FaultSpec& f : scenario_.faults) {
    std::string what(core::fault_type_name(f.type));
    if (!f.target.empty()) what += " " + f.target;
    else if (!f.group.empty()) what += " " + f.group;
    else if (!f.topic.empty()) what += " " + f.topic;
    out.emplace_back(f.at, std::move(what));
  }
  return out;
}

std::string Session::owner_of(const std::string& group, const core::TopicPartition& partition) const {
  const std::set<sim::NodeId>& owners = play_->run().ownership().owners(group, partition);
  return owners.empty() ? std::string() : node_name(*owners.begin());
}

std::map<std::string, std::size_t> Session::consumer_indices() const {
  std::map<std::string, std::size_t> out;
  for (const std::string& n : nodes()) {
    if (n.rfind("consumer:", 0) == 0) out.emplace(n, out.size());
  }
  return out;
}

std::vector<std::string> Session::nodes() const {
  const sim::Simulation& sim = play_->run().cluster().sim();
  std::vector<std::string> out;
  for (std::size_t i = 0; i < sim.node_count(); ++i) {
    std::string name = sim.node_name(sim::NodeId{static_cast<std::uint32_t>(i)});
    if (name.rfind("controller:", 0) == 0 || name.rfind("broker:", 0) == 0 || name.rfind("producer:", 0) == 0 || name.rfind("consumer:", 0) == 0) {
      out.push_back(std::move(name));
    }
  }
  return out;
}

std::vector<LinkState> Session::links() const {
  core::Cluster& cluster = play_->run().cluster();
  sim::Simulation& sim = cluster.sim();
  const sim::Network& network = sim.network();
  std::vector<sim::NodeId> nodes;
  for (const core::Controller* c : cluster.controllers()) nodes.push_back(c->id());
  for (core::BrokerId b = 1; b <= cluster.broker_count(); ++b) nodes.push_back(cluster.broker(b).id());
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
