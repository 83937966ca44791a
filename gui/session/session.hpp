// Session: one lab as the GUI plays it. It owns a ScenarioRun and moves it through time: forward
// by running, backward by deterministic re-execution from the start (the same scenario and seed
// replay the same events, so "rewind to 12 s" is "run a fresh copy to 12 s"). Views read the
// cluster through the same public calls the CLI uses; nothing here touches Qt.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/cluster/cluster.hpp"
#include "core/cluster/group_admin.hpp"
#include "core/scenario/runner.hpp"
#include "core/scenario/scenario.hpp"
#include "gui/session/checkpoints.hpp"
#include "gui/session/figures_worker.hpp"
#include "gui/session/play.hpp"

namespace ksim::gui {

// What the network does between two nodes, for the cluster view.
struct LinkState {
  std::string a, b;
  bool a_to_b_cut = false;
  bool b_to_a_cut = false;
  bool slow = false;  // an override (latency, loss, bandwidth) on either direction
};

class Session {
 public:
  // Loads a scenario file (one of its variants, when named); throws core::ScenarioError with the
  // loader's message.
  static std::unique_ptr<Session> open(const std::string& path, const std::optional<std::string>& variant = std::nullopt);
  // A session on scenario text that no file holds yet (the "new cluster" dialog); `name` stands
  // for the file in messages. Throws core::ScenarioError.
  Session(std::string text, std::string name, std::optional<std::string> variant = std::nullopt);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const core::Scenario& scenario() const { return scenario_; }
  sim::Time now() const { return play_->run().now(); }
  sim::Time end() const { return play_->run().end_time(); }

  // To `t`, forward or backward. Backward goes on from the latest checkpoint at or before `t`
  // (a play parked there by the background thread), or re-runs from the start when there is
  // none. Clamped to [0, end].
  void run_to(sim::Time t);
  // Backward without running: the latest checkpoint at or before `t`, or a fresh play from the
  // start; the caller runs on to `t` (in slices, so that the window stays responsive).
  void go_back_to(sim::Time t);
  // The moments checkpoints are parked at now, and a wait until the wanted ones are (tests).
  std::vector<sim::Time> checkpoints() const { return checkpoints_.parked(); }
  void wait_for_checkpoints() { checkpoints_.wait_until_ready(); }
  // Where the last rewind went on from: a checkpoint's moment, or zero for a re-run.
  sim::Time last_rewind_from() const { return last_rewind_from_; }
  // How far apart checkpoints are: a twelfth of the run, at least a second.
  sim::Duration checkpoint_interval() const;
  // One event. Returns false at the end.
  bool step();
  // Events until the timeline gains an entry (a fault, an election, an ISR change, a rebalance
  // phase, an error, a narration point) or the end. Returns false when nothing came.
  bool step_to_interesting();
  // The same in pieces, for the window: events until the timeline holds more than `baseline`
  // entries, the end, or the wall-clock `deadline` (then call again: the window spreads a long
  // search over frames).
  enum class Search { found, end, out_of_time };
  Search step_until_timeline_exceeds(std::size_t baseline, std::chrono::steady_clock::time_point deadline);
  // A fault by hand (a context menu), at the current time: a fault object as a scenario file
  // writes it, without "at" (gui/hand_faults.hpp builds them). It joins the session's fault plan,
  // the whole scenario is checked again by the loader, and the run goes on exactly as `ksim run`
  // would play a file holding it (see last_fault_replayed()). When it must replay, `replay`
  // says whether to run back to the fault's moment now or to leave the play at the start for
  // the caller to run on (the window does it a frame at a time; fault_moment() says where to).
  // Returns an empty string, or the loader's message (and nothing changes).
  enum class Replay { now, by_caller };
  std::string inject(const std::string& fault_json, Replay replay = Replay::now);
  // When the last fault by hand fires.
  sim::Time fault_moment() const { return fault_moment_; }
  // Whether the last fault by hand needed a replay from the start (when something else was due
  // within a nanosecond of now, or at the run's end); otherwise it joined the running play at
  // once, a nanosecond after now.
  bool last_fault_replayed() const { return last_fault_replayed_; }
  // The faults added by hand, in order, as JSON text with their "at".
  const std::vector<std::string>& injected() const { return injected_; }
  // Writes the scenario, with the hand-made faults appended to its faults, to `path` (whole or
  // not at all). A session on a variant writes the whole file, variants included: `ksim run FILE
  // --variant NAME` replays it. Returns an empty string, or what went wrong.
  std::string save_as(const std::string& path) const;
  // The variant this session plays, if any.
  const std::optional<std::string>& variant() const { return variant_; }
  // Another variant of the same file (nullopt: the base scenario), hand-made faults included,
  // left at the start for the caller to run on to the moment it wants (the window replays to
  // where it was). Returns an empty string, or the loader's message (and nothing changes).
  std::string reload(const std::optional<std::string>& variant);
  // The file it came from, or what stands for it.
  const std::string& name() const { return name_; }
  // The scenario's text as save-as would write it.
  const std::string& text() const { return text_; }
  // Runs a copy to the end and returns its result (trace hash, figures), leaving this one as is.
  core::RunResult result_at_end() const;

  // The nodes a fault can name, in creation order: controller, broker:N, producer:NAME,
  // consumer:GROUP/I and consumer:NAME (members added by hand included).
  std::vector<std::string> nodes() const;
  core::ClusterView cluster() const { return play_->run().cluster().view(); }
  std::vector<core::GroupAdminView> groups() const;
  std::vector<LinkState> links() const;
  std::vector<core::TimelineEntry> timeline() const { return play_->run().timeline_until(now()); }
  std::size_t timeline_size() const { return play_->run().timeline_count_until(now()); }
  // The latest narration at or before now, or nullptr.
  const core::NarrationEntry* narration() const;
  // Partition ownership per group so far, from the members' own assign / revoke / lose callbacks
  // (a member that stops loses what it held), in the order it began.
  const std::vector<Ownership>& ownership() const { return play_->ownership(); }
  const std::vector<GroupEpochMark>& group_epochs() const { return play_->group_epochs(); }
  // What the charts plot, sampled every 100 ms of simulated time so far.
  const core::Series& series() const { return play_->series(); }
  // When each fault of the plan fires (the file's and the hand-made) and what it does ("crash
  // broker:1"), for the charts' markers.
  std::vector<std::pair<sim::Time, std::string>> fault_marks() const;
  // The checkers' figures as of now, and the scenario's expectations checked against them (they
  // speak of the end of the run: "so far" is what a student watches move).
  core::Figures figures() { return play_->run().figures(); }
  // The same, computed on a background thread (figures_worker.hpp): ask for now's, then show the
  // latest that has come, with the moment it is for.
  void request_figures() { figures_worker_.request(now()); }
  std::optional<FiguresAt> latest_figures() const { return figures_worker_.latest(); }
  // Asks for now's figures and waits until they are computed (tests, screenshots).
  void wait_for_figures() {
    figures_worker_.request(now());
    figures_worker_.wait_for(now());
  }
  std::vector<core::ExpectationResult> expectations(const core::Figures& figures) const {
    return core::check_expectations(scenario_.expect, figures);
  }
  // The messages sent in [from, to] (at most the last Play::kMessagesKept), in the order sent.
  std::vector<Message> messages(sim::Time from, sim::Time to) const { return play_->messages(from, to); }
  // The consumer node that holds a group's partition now, by its own callbacks ("" for none).
  std::string owner_of(const std::string& group, const core::TopicPartition& partition) const;
  // A node's name ("consumer:billing/0") from its id.
  std::string node_name(sim::NodeId node) const { return play_->run().cluster().sim().node_name(node); }
  // Each consumer node's place among the session's consumers (creation order): the views colour
  // a member by it, so that the groups table and the rebalance timeline agree.
  std::map<std::string, std::size_t> consumer_indices() const;
  // Truncations so far, in time order.
  const std::vector<Truncation>& truncations() const { return play_->truncations(); }
  // A replica's leader-epoch cache: (epoch, start offset) pairs, oldest first.
  std::vector<std::pair<core::LeaderEpoch, core::Offset>> epochs(core::BrokerId broker, const core::TopicPartition& tp) const;
  // The first narration pause strictly after `from` and at or before `to`, or nullptr.
  const core::NarrationEntry* pause_between(sim::Time from, sim::Time to) const;

 private:
  // The scenario changed: a fresh play from the start, and checkpoints of the new scenario.
  void reset_plays();
  // Tells the checkpoints which moments to keep: the few just behind now.
  void want_checkpoints();

  std::string text_;  // the scenario file's JSON, hand-made faults included
  std::string name_;  // the file it came from, or what stands for it
  std::optional<std::string> variant_;
  core::Scenario scenario_;
  std::vector<std::string> injected_;
  Checkpoints checkpoints_;
  FiguresWorker figures_worker_;
  std::unique_ptr<Play> play_;
  sim::Time last_rewind_from_;
  bool last_fault_replayed_ = false;
  sim::Time fault_moment_;
};

}  // namespace ksim::gui
