// Helpers shared by the subcommands for reading options with Boost.Program_options.
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <string>

#include "cli/commands.hpp"
#include "sim/time.hpp"

namespace ksim::cli {

namespace po = boost::program_options;

// Parses `args` against `options` (positional arguments go to `positional`); a parse error
// becomes a UsageError naming the command and pointing to its --help.
po::variables_map parse_options(const std::string& command, const Args& args,
                                const po::options_description& options,
                                const po::positional_options_description& positional = {});

// Reads a duration option ("5s", "250ms"); a bad value is a UsageError naming the option.
sim::Duration duration_option(const po::variables_map& vm, const std::string& name);

}  // namespace ksim::cli
