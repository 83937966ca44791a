// `ksim run FILE...`, `ksim check FILE...` and `ksim list`: the scenario commands.
//
//   ksim run FILE... [--seed N] [--until T] [--variant NAME] [--trace FILE.jsonl] [--report text|json]
//
// run plays each file (every variant, unless --variant names one) and prints its report; exit 0
// when every expectation held, 1 when one failed, 2 on bad input. check only loads the files.
// list prints the bundled labs (scenarios/) with their one-line summaries.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/usage_error.hpp"
#include "core/scenario/lab_library.hpp"
#include "core/scenario/loader.hpp"
#include "core/scenario/report.hpp"
#include "core/scenario/runner.hpp"
#include "sim/trace_jsonl.hpp"

namespace ksim::cli {
namespace {

std::vector<std::string> files_of(const po::variables_map& vm, const char* command) {
  if (vm.count("file") == 0U) throw UsageError(std::string("ksim ") + command + ": name at least one scenario file");
  return vm["file"].as<std::vector<std::string>>();
}

}  // namespace

int command_run(const Args& args) {
  po::options_description options("usage: ksim run FILE... [options]\n\noptions");
  options.add_options()
      ("seed", po::value<std::string>(), "root seed (overrides the file's)")
      ("until", po::value<std::string>(), "stop at this simulated time (e.g. 20s)")
      ("variant", po::value<std::string>(), "run only this variant (the base scenario is \"base\")")
      ("trace", po::value<std::string>(), "write every trace event to FILE.jsonl (one run only)")
      ("report", po::value<std::string>()->default_value("text"), "text or json");
  const std::optional<po::variables_map> parsed = parse_file_command("run", args, options, true);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  const std::vector<std::string> files = files_of(vm, "run");
  const std::string report = vm["report"].as<std::string>();
  if (report != "text" && report != "json") throw UsageError("option --report: must be text or json, not \"" + report + "\"");
  core::RunOptions run_options;
  if (vm.count("seed") != 0U) run_options.seed = count_option(vm, "seed", 0, INT64_MAX);
  if (vm.count("until") != 0U) run_options.until = duration_option(vm, "until");
  std::optional<std::string> variant;
  if (vm.count("variant") != 0U) variant = vm["variant"].as<std::string>();

  // Load everything first: bad input anywhere stops the command before anything runs.
  std::vector<std::pair<std::string, std::optional<std::string>>> runs;
  try {
    for (const std::string& file : files) {
      const core::Scenario base = core::load_scenario(file);
      if (variant && *variant != "base") {
        core::load_scenario(file, variant);
        runs.emplace_back(file, variant);
      } else {
        runs.emplace_back(file, std::nullopt);
        if (!variant) {
          for (const std::string& v : base.variant_names) {
            core::load_scenario(file, v);  // a broken variant is bad input too, found before anything runs
            runs.emplace_back(file, v);
          }
        }
      }
    }
  } catch (const core::ScenarioError& e) {
    throw UsageError(e.what());
  }
  if (vm.count("trace") != 0U && runs.size() != 1) {
    throw UsageError("option --trace: writes one run's events; name one file and, if it has variants, one --variant");
  }
  bool all_passed = true;
  for (const auto& [file, v] : runs) {
    core::ScenarioRun run(core::load_scenario(file, v), run_options);
    std::unique_ptr<sim::JsonLinesWriter> writer;
    if (vm.count("trace") != 0U) {
      // Attached after the setup events: the file starts where the scenario's own time does.
      const sim::Simulation& simulation = run.cluster().sim();
      writer = std::make_unique<sim::JsonLinesWriter>(vm["trace"].as<std::string>(),
                                                      [&simulation](sim::NodeId id) { return simulation.node_name(id); });
      if (!writer->open()) throw UsageError("option --trace: " + writer->error());
      run.cluster().sim().trace().attach(*writer);
    }
    core::RunResult result = run.run_to_end();
    result.variant = v.value_or("");
    if (writer) {
      run.cluster().sim().trace().detach(*writer);
      if (!writer->finish()) throw UsageError("option --trace: " + writer->error());
    }
    all_passed = all_passed && result.passed();
    if (report == "json") {
      std::printf("%s\n", core::json_report(result).c_str());
    } else {
      std::fputs(core::text_report(result).c_str(), stdout);
      std::fputs("\n", stdout);
    }
  }
  return all_passed ? 0 : 1;
}

int command_check(const Args& args) {
  po::options_description options("usage: ksim check FILE...\n\noptions");
    const std::optional<po::variables_map> parsed = parse_file_command("check", args, options, true);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  for (const std::string& file : files_of(vm, "check")) {
    try {
      const core::Scenario s = core::load_scenario(file);
      for (const std::string& v : s.variant_names) core::load_scenario(file, v);
      std::printf("%s: ok (%zu expectation(s), %zu variant(s))\n", file.c_str(), s.expect.size(), s.variant_names.size());
    } catch (const core::ScenarioError& e) {
      throw UsageError(e.what());
    }
  }
  return 0;
}

int command_list(const Args& args) {
  if (!args.empty()) throw UsageError("ksim list takes no arguments");
  const std::filesystem::path dir = core::labs_directory();
  std::vector<core::LabEntry> labs;
  try {
    labs = core::list_labs(dir);
  } catch (const std::filesystem::filesystem_error& e) {
    throw UsageError("ksim list: cannot read " + dir.string() + " (" + e.code().message() + "); set KSIM_SCENARIOS");
  }
  for (const core::LabEntry& lab : labs) {
    const std::string file = lab.file.filename().string();
    if (!lab.error.empty()) std::printf("%-40s (does not load: %s)\n", file.c_str(), lab.error.c_str());
    else std::printf("%-40s %s\n", file.c_str(), lab.summary.c_str());
  }
  return 0;
}

}  // namespace ksim::cli
