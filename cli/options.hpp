// Helpers shared by the subcommands for reading options with Boost.Program_options.
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "sim/time.hpp"

namespace ksim::cli {

namespace po = boost::program_options;

// Parses `args` against `options` (positional arguments go to `positional`); a parse error
// becomes a UsageError naming the command and pointing to its --help.
po::variables_map parse_options(const std::string& command, const Args& args,
                                const po::options_description& options,
                                const po::positional_options_description& positional = {});

// Parses `ksim COMMAND [options] FILE...`: adds --help to `options` and the positional `file`
// (a std::string when `many` is false, else a std::vector<std::string>). Returns nothing when
// --help was asked for and printed.
std::optional<po::variables_map> parse_file_command(const std::string& command, const Args& args,
                                                    po::options_description& options, bool many);

// One choice of a command that takes a name: `ksim bench kernel`, `ksim demo gossip`.
struct NamedRun {
  std::string name;
  std::string summary;
  std::function<int(const po::variables_map&)> run;
};

// Runs `ksim COMMAND NAME [options]`: adds --help and the positional NAME to `options`, prints the
// help (with the choices and their summaries) or runs the chosen entry. `noun` names a choice in
// messages ("benchmark"): "name a benchmark: kernel", "unknown benchmark `x`; the benchmarks are:".
int run_named(const std::string& command, const std::string& noun, const Args& args,
              po::options_description& options, const std::vector<NamedRun>& choices);

// Reads a whole-number option given as a string ("--nodes 100"), strictly: digits only (no sign,
// so "-5" is refused rather than wrapped around), within [min, max], else a UsageError saying so.
std::uint64_t count_option(const po::variables_map& vm, const std::string& name, std::uint64_t min,
                           std::uint64_t max);

// Reads a duration option ("5s", "250ms"); a bad value is a UsageError naming the option.
sim::Duration duration_option(const po::variables_map& vm, const std::string& name);

}  // namespace ksim::cli
