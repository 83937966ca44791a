#include "cli/options.hpp"

#include "cli/usage_error.hpp"

#include <cstdio>
#include <sstream>

namespace ksim::cli {

po::variables_map parse_options(const std::string& command, const Args& args,
                                const po::options_description& options,
                                const po::positional_options_description& positional) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError("ksim " + command + ": " + e.what() + " (see `ksim " + command + " --help`)");
  }
  return vm;
}

int run_named(const std::string& command, const std::string& noun, const Args& args,
              po::options_description& options, const std::vector<NamedRun>& choices) {
  options.add_options()("help,h", "print this help");
  po::options_description hidden;  // the positional name, parsed but not listed in --help
  hidden.add_options()("name", po::value<std::string>());
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("name", 1);
  const po::variables_map vm = parse_options(command, args, all, positional);

  std::string names;
  for (const NamedRun& choice : choices) names += (names.empty() ? "" : ", ") + choice.name;
  if (vm.count("help") != 0U) {
    std::ostringstream help;
    help << "usage: ksim " << command << " <" << noun << "> [options]\n\n" << noun << "s:\n";
    for (const NamedRun& choice : choices) help << "  " << choice.name << "  " << choice.summary << "\n";
    help << "\n" << options;
    std::fputs(help.str().c_str(), stdout);
    return 0;
  }
  if (vm.count("name") == 0U) throw UsageError("ksim " + command + ": name a " + noun + ": " + names);
  const std::string name = vm["name"].as<std::string>();
  for (const NamedRun& choice : choices) {
    if (choice.name == name) return choice.run(vm);
  }
  throw UsageError("ksim " + command + ": unknown " + noun + " `" + name + "`; the " + noun +
                   "s are: " + names);
}

std::uint64_t count_option(const po::variables_map& vm, const std::string& name, std::uint64_t min,
                           std::uint64_t max) {
  const std::string text = vm[name].as<std::string>();
  const std::string range = " (a whole number from " + std::to_string(min) + " to " +
                            std::to_string(max) + ")";
  std::uint64_t value = 0;
  bool ok = !text.empty();
  for (const char c : text) {
    ok = ok && c >= '0' && c <= '9' && !__builtin_mul_overflow(value, 10, &value) &&
         !__builtin_add_overflow(value, static_cast<std::uint64_t>(c - '0'), &value);
  }
  if (!ok || value < min || value > max) {
    throw UsageError("option --" + name + ": \"" + text + "\" is not valid" + range);
  }
  return value;
}

std::optional<po::variables_map> parse_file_command(const std::string& command, const Args& args,
                                                    po::options_description& options, bool many) {
  options.add_options()("help,h", "print this help");
  po::options_description hidden;
  if (many) {
    hidden.add_options()("file", po::value<std::vector<std::string>>());
  } else {
    hidden.add_options()("file", po::value<std::string>());
  }
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("file", many ? -1 : 1);
  po::variables_map vm = parse_options(command, args, all, positional);
  if (vm.count("help") != 0U) {
    std::fputs((std::ostringstream() << options).str().c_str(), stdout);
    return std::nullopt;
  }
  return vm;
}

sim::Duration duration_option(const po::variables_map& vm, const std::string& name) {
  sim::Duration value;
  std::string error;
  if (!sim::parse_duration(vm[name].as<std::string>(), value, error)) {
    throw UsageError("option --" + name + ": " + error);
  }
  return value;
}

}  // namespace ksim::cli
