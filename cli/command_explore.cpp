// `ksim explore FILE --seeds A..B [--random-faults] [--jobs N] [--shard I/N] [--json OUT] [--save DIR]` and
// `ksim explore --merge RESULT.json...`: many seeds of one scenario, each a full run with its
// expectations, to find the seeds that break them. With --random-faults each seed also draws a
// fault mix of its own (swarm testing): the same seed always draws the same mix, so every failing
// seed comes with the exact command that reproduces it, and with --save DIR a scenario file that
// replays it (`ksim run` and the GUI open it). --shard splits a campaign across
// machines (a Slurm array, a Kubernetes indexed Job, a CI matrix); --merge joins their results.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/usage_error.hpp"
#include "core/scenario/loader.hpp"
#include "core/scenario/replay_file.hpp"
#include "core/scenario/runner.hpp"

namespace ksim::cli {
namespace {

using Json = nlohmann::ordered_json;

struct SeedResult {
  std::uint64_t seed = 0;
  bool passed = false;
  std::string trace_hash;
  std::vector<std::string> failed;  // the expectations that failed, with their actual values
  std::vector<std::string> faults;  // the drawn faults, with --random-faults, in time order
  std::vector<core::FaultSpec> drawn;  // the same faults, for --save
  std::string saved;                   // the replay file written with --save
};

std::pair<std::uint64_t, std::uint64_t> parse_seeds(const std::string& text) {
  const auto dots = text.find("..");
  try {
    if (dots == std::string::npos) throw std::invalid_argument("no range");
    std::size_t used_a = 0;
    std::size_t used_b = 0;
    const std::uint64_t a = std::stoull(text.substr(0, dots), &used_a);
    const std::uint64_t b = std::stoull(text.substr(dots + 2), &used_b);
    if (used_a != dots || used_b != text.size() - dots - 2 || b < a || b - a >= 1'000'000) throw std::invalid_argument("range");
    return {a, b};
  } catch (const std::exception&) {
    throw UsageError("option --seeds: \"" + text + "\" is not a range; write A..B with A <= B, at most a million seeds (e.g. 1..200)");
  }
}

std::pair<std::uint64_t, std::uint64_t> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    const std::uint64_t i = std::stoull(text.substr(0, slash));
    const std::uint64_t n = std::stoull(text.substr(slash + 1));
    if (n == 0 || i == 0 || i > n) throw std::invalid_argument("range");
    return {i, n};
  } catch (const std::exception&) {
    throw UsageError("option --shard: \"" + text + "\" is not I/N with 1 <= I <= N (e.g. 3/8)");
  }
}

// A fault mix drawn from the seed: one to three faults among broker crashes and power losses,
// leader isolation, a slow link, a controller's crash, power loss or isolation, and a consumer
// crash, starting within the first two thirds of the run. Every one of them ends within the run (the node restarts, the cuts heal, the link is
// restored, 1 to 20 s later, at the run's end at the latest), so that convergence after the last
// fault is a fair question for every seed.
std::vector<core::FaultSpec> random_faults(const core::Scenario& s, std::uint64_t seed) {
  sim::Rng rng = sim::RandomSource(seed).stream("explore/faults");
  std::vector<core::FaultSpec> faults;
  const sim::Time end = sim::Time::zero() + s.duration;
  const std::int64_t span = (s.duration.ns() * 2) / 3;
  const auto count = rng.uniform_int(1, 3);
  std::vector<std::string> groups;
  for (const core::ConsumerSpec& c : s.consumers) {
    if (!c.group.empty()) groups.push_back(c.group);
  }
  // The fault's end, `longest` at most after it, and never after the run's end.
  const auto ending = [&](const core::FaultSpec& f, core::FaultType type, sim::Duration longest) {
    core::FaultSpec back = f;
    back.type = type;
    back.at = std::min(end, f.at + sim::Duration::from_ns(rng.uniform_int(sim::seconds(1).ns(), longest.ns())));
    return back;
  };
  for (std::int64_t i = 0; i < count; ++i) {
    core::FaultSpec f;
    f.at = sim::Time::zero() + sim::Duration::from_ns(rng.uniform_int(span / 10, span));
    f.where = "random fault " + std::to_string(i);
    const std::string broker = "broker:" + std::to_string(rng.uniform_int(1, s.cluster.brokers));
    switch (rng.uniform_int(0, groups.empty() ? 3 : 4)) {
      case 0:
        f.type = rng.uniform_int(0, 1) == 0 ? core::FaultType::crash : core::FaultType::power_loss;
        f.target = broker;
        faults.push_back(f);
        faults.push_back(ending(f, core::FaultType::restart, sim::seconds(15)));
        break;
      case 1: {
        const core::TopicSpec& t = s.topics[static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(s.topics.size()) - 1))];
        f.type = core::FaultType::partition;
        f.between = {{"leader-of:" + t.name + "-" + std::to_string(rng.uniform_int(0, t.partitions - 1))}, {"rest"}};
        faults.push_back(f);
        // A heal without sides: the cut side, named by a role, may lead nothing by then (its
        // partition moved away), so naming it again could heal nothing. Another cut drawn for
        // the same seed ends with it.
        core::FaultSpec heal = ending(f, core::FaultType::heal, sim::seconds(20));
        heal.between.clear();
        faults.push_back(heal);
        break;
      }
      case 2:
        f.type = core::FaultType::slow_link;
        f.between = {{broker}, {"rest"}};
        f.link = s.cluster.network;
        f.link.latency = sim::milliseconds(rng.uniform_int(50, 500));
        faults.push_back(f);
        faults.push_back(ending(f, core::FaultType::restore_link, sim::seconds(20)));
        break;
      case 3: {
        // One controller of the metadata quorum: the active one or a standby, whichever N is.
        const std::string controller = "controller:" + std::to_string(rng.uniform_int(1, s.cluster.controllers));
        const auto kind = rng.uniform_int(0, 2);
        if (kind == 2) {
          f.type = core::FaultType::partition;
          f.between = {{controller}, {"rest"}};
          faults.push_back(f);
          core::FaultSpec heal = ending(f, core::FaultType::heal, sim::seconds(20));
          heal.between.clear();
          faults.push_back(heal);
          break;
        }
        f.type = kind == 0 ? core::FaultType::crash : core::FaultType::power_loss;
        f.target = controller;
        faults.push_back(f);
        faults.push_back(ending(f, core::FaultType::restart, sim::seconds(15)));
        break;
      }
      default:
        f.type = core::FaultType::crash;
        f.target = "consumer:" + groups[static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(groups.size()) - 1))] + "/0";
        faults.push_back(f);
        faults.push_back(ending(f, core::FaultType::restart, sim::seconds(15)));
        break;
    }
  }
  // In time order (stable: a fault and its end at one instant stay in that order).
  std::stable_sort(faults.begin(), faults.end(), [](const core::FaultSpec& a, const core::FaultSpec& b) { return a.at < b.at; });
  return faults;
}

std::string describe_fault(const core::FaultSpec& f) {
  std::string text = sim::format_duration(f.at - sim::Time::zero()) + " " + std::string(core::fault_type_name(f.type));
  if (!f.target.empty()) text += " " + f.target;
  if (!f.between.empty()) text += " " + f.between[0][0] + " | " + f.between[1][0];
  return text;
}

// What `ksim explore` explores: the file, its variant, and whether seeds draw faults.
struct Exploration {
  std::string file;
  std::optional<std::string> variant;
  core::Scenario base;
  bool random = false;
};

SeedResult run_seed(const Exploration& e, std::uint64_t seed) {
  core::Scenario s = e.base;
  SeedResult out;
  out.seed = seed;
  if (e.random) {
    out.drawn = random_faults(s, seed);
    for (const core::FaultSpec& f : out.drawn) {
      out.faults.push_back(describe_fault(f));
      s.faults.push_back(f);
    }
    std::stable_sort(s.faults.begin(), s.faults.end(), [](const core::FaultSpec& a, const core::FaultSpec& b) { return a.at < b.at; });
  }
  core::RunOptions options;
  options.seed = seed;
  core::ScenarioRun run(std::move(s), options);
  const core::RunResult r = run.run_to_end();
  out.passed = r.passed();
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(r.trace_hash));
  out.trace_hash = hash;
  for (const core::ExpectationResult& x : r.expectations) {
    if (!x.passed) {
      std::ostringstream line;
      line << x.expr << " (actual " << x.actual << ")";
      out.failed.push_back(line.str());
    }
  }
  return out;
}

// Writes a failing seed's run as a scenario file of its own in `dir` (whole or not at all), and
// returns its path.
std::string save_replay(const Exploration& e, const SeedResult& r, const std::string& dir) {
  std::string stem = std::filesystem::path(e.file).stem().string();
  if (e.variant) stem += "-" + *e.variant;
  const std::string path = (std::filesystem::path(dir) / (stem + "-seed-" + std::to_string(r.seed) + ".json")).string();
  const std::string text = core::replay_document(e.file, e.variant, r.seed, r.drawn, "ksim explore seed " + std::to_string(r.seed));
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp);
    out << text;
    if (!out) throw UsageError("option --save: cannot write " + temp + "; check that the directory exists and is writable");
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) throw UsageError("option --save: cannot move " + temp + " to " + path);
  return path;
}

int merge(const std::vector<std::string>& files) {
  std::size_t runs = 0;
  std::vector<std::pair<std::string, Json>> failing;
  for (const std::string& file : files) {
    std::ifstream in(file);
    if (!in) throw UsageError(file + ": cannot be read; check the path");
    Json doc;
    try {
      doc = Json::parse(in);
    } catch (const Json::parse_error& e) {
      throw UsageError(file + ": not valid JSON (" + std::string(e.what()) + ")");
    }
    if (!doc.is_object() || !doc.contains("results") || !doc["results"].is_array() || !doc.contains("command")) {
      throw UsageError(file + ": not an explore result (write one with ksim explore ... --json FILE)");
    }
    for (const Json& r : doc["results"]) {
      ++runs;
      if (!r.value("passed", false)) failing.emplace_back(doc["command"].get<std::string>(), r);
    }
  }
  std::printf("%zu runs, %zu failing\n", runs, failing.size());
  for (const auto& [command, r] : failing) {
    std::printf("  seed %llu: %s\n    reproduce: %s --seeds %llu..%llu\n", static_cast<unsigned long long>(r["seed"].get<std::uint64_t>()),
                r["failed"].dump().c_str(), command.c_str(), static_cast<unsigned long long>(r["seed"].get<std::uint64_t>()),
                static_cast<unsigned long long>(r["seed"].get<std::uint64_t>()));
  }
  return failing.empty() ? 0 : 1;
}

}  // namespace

int command_explore(const Args& args) {
  po::options_description options("usage: ksim explore FILE --seeds A..B [options] | ksim explore --merge RESULT.json...\n\noptions");
  options.add_options()
      ("seeds", po::value<std::string>(), "the seeds to run, A..B")
      ("random-faults", "add a fault mix drawn from each seed")
      ("jobs", po::value<std::string>()->default_value("1"), "runs in parallel")
      ("shard", po::value<std::string>(), "run only shard I of N (I/N): every N-th seed")
      ("variant", po::value<std::string>(), "explore this variant instead of the base scenario")
      ("json", po::value<std::string>(), "write the results to this file (for --merge)")
      ("save", po::value<std::string>(), "write each failing seed's run as a scenario file into this directory")
      ("merge", "join explore results given as files");
  const std::optional<po::variables_map> parsed = parse_file_command("explore", args, options, true);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  if (vm.count("file") == 0U) throw UsageError("ksim explore: name a scenario file (or result files with --merge)");
  const std::vector<std::string> files = vm["file"].as<std::vector<std::string>>();
  if (vm.count("merge") != 0U) return merge(files);
  if (files.size() != 1) throw UsageError("ksim explore: explores one scenario file at a time");
  if (vm.count("seeds") == 0U) throw UsageError("ksim explore: --seeds A..B is required");
  const auto [first, last] = parse_seeds(vm["seeds"].as<std::string>());
  const auto jobs = static_cast<unsigned>(count_option(vm, "jobs", 1, 256));
  std::pair<std::uint64_t, std::uint64_t> shard{1, 1};
  if (vm.count("shard") != 0U) shard = parse_shard(vm["shard"].as<std::string>());
  Exploration exploration;
  exploration.file = files[0];
  exploration.random = vm.count("random-faults") != 0U;
  const bool random = exploration.random;
  if (vm.count("variant") != 0U && vm["variant"].as<std::string>() != "base") exploration.variant = vm["variant"].as<std::string>();
  const std::optional<std::string>& variant = exploration.variant;
  try {
    exploration.base = core::load_scenario(files[0], variant);
  } catch (const core::ScenarioError& e) {
    throw UsageError(e.what());
  }
  std::optional<std::string> save_dir;
  if (vm.count("save") != 0U) {
    save_dir = vm["save"].as<std::string>();
    if (!std::filesystem::is_directory(*save_dir)) {
      throw UsageError("option --save: \"" + *save_dir + "\" is not a directory; create it first (mkdir -p " + *save_dir + ")");
    }
  }
  std::vector<std::uint64_t> seeds;
  for (std::uint64_t s = first; s <= last; ++s) {
    if ((s - first) % shard.second == shard.first - 1) seeds.push_back(s);
  }
  // Runs are independent simulations: threads share nothing but the queue of seeds and the
  // results, each written to its own slot.
  std::vector<SeedResult> results(seeds.size());
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::atomic<std::size_t> failing{0};
  std::mutex progress;
  const bool show_progress = isatty(fileno(stderr)) != 0;
  const auto worker = [&] {
    for (std::size_t i = next++; i < seeds.size(); i = next++) {
      results[i] = run_seed(exploration, seeds[i]);
      if (!results[i].passed) ++failing;
      const std::size_t finished = ++done;
      if (show_progress) {
        const std::lock_guard<std::mutex> lock(progress);
        const std::size_t width = 30;
        const std::size_t filled = finished * width / seeds.size();
        std::fprintf(stderr, "\r[%s%s] %zu/%zu seeds, %zu failing", std::string(filled, '#').c_str(),
                     std::string(width - filled, ' ').c_str(), finished, seeds.size(), failing.load());
      }
    }
  };
  std::vector<std::thread> threads;
  for (unsigned j = 0; j < std::min<std::size_t>(jobs, seeds.size()); ++j) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
  if (show_progress) std::fputs("\n", stderr);
  if (save_dir) {
    for (SeedResult& r : results) {
      if (!r.passed) r.saved = save_replay(exploration, r, *save_dir);
    }
  }
  std::string command = "ksim explore " + files[0] + (random ? " --random-faults" : "") +
                        (variant ? " --variant " + *variant : std::string());
  std::printf("explored %s: %zu seeds (%llu..%llu, shard %llu/%llu)%s, %zu failing\n", files[0].c_str(), seeds.size(),
              static_cast<unsigned long long>(first), static_cast<unsigned long long>(last),
              static_cast<unsigned long long>(shard.first), static_cast<unsigned long long>(shard.second),
              random ? " with random faults" : "", failing.load());
  for (const SeedResult& r : results) {
    if (r.passed) continue;
    std::printf("  seed %llu: ", static_cast<unsigned long long>(r.seed));
    for (std::size_t i = 0; i < r.failed.size(); ++i) std::printf("%s%s", i == 0 ? "" : "; ", r.failed[i].c_str());
    std::printf("\n    reproduce: %s --seeds %llu..%llu\n", command.c_str(), static_cast<unsigned long long>(r.seed),
                static_cast<unsigned long long>(r.seed));
    if (!r.faults.empty()) {
      std::printf("    faults:");
      for (const std::string& f : r.faults) std::printf(" [%s]", f.c_str());
      std::printf("\n");
    }
    if (!r.saved.empty()) std::printf("    saved: %s (ksim run %s replays it)\n", r.saved.c_str(), r.saved.c_str());
  }
  if (vm.count("json") != 0U) {
    Json doc;
    doc["command"] = command;
    doc["file"] = files[0];
    doc["results"] = Json::array();
    for (const SeedResult& r : results) {
      doc["results"].push_back({{"seed", r.seed}, {"passed", r.passed}, {"trace_hash", r.trace_hash}, {"failed", r.failed}, {"faults", r.faults}});
    }
    const std::string path = vm["json"].as<std::string>();
    const std::string temp = path + ".tmp";
    {
      std::ofstream out(temp);
      out << doc.dump(1) << "\n";
      if (!out) throw UsageError("option --json: cannot write " + temp);
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) throw UsageError("option --json: cannot move " + temp + " to " + path);
  }
  return failing == 0 ? 0 : 1;
}

}  // namespace ksim::cli
