#include "cli/options.hpp"

#include "cli/usage_error.hpp"

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

sim::Duration duration_option(const po::variables_map& vm, const std::string& name) {
  sim::Duration value;
  std::string error;
  if (!sim::parse_duration(vm[name].as<std::string>(), value, error)) {
    throw UsageError("option --" + name + ": " + error);
  }
  return value;
}

}  // namespace ksim::cli
