// `ksim partition --partitions N [--hex] KEY...`: where the Java producer sends each key.
//
// Prints one line per key, `<key>\t<partition>`, in the order given. With --hex the keys are
// written as hex bytes ("00ff10"); an empty argument is the empty key (which is hashed like any
// other, unlike a missing key). A teaching tool too: "where does my key go, and where after I
// add partitions?".
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "cli/options.hpp"
#include "cli/usage_error.hpp"
#include "core/client/partitioner.hpp"

namespace ksim::cli {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::vector<std::uint8_t> key_bytes(const std::string& key, bool hex) {
  if (!hex) return {key.begin(), key.end()};
  if (key.size() % 2 != 0) {
    throw UsageError("key \"" + key + "\": hex keys need two digits per byte (e.g. 0a1b)");
  }
  std::vector<std::uint8_t> bytes;
  for (std::size_t i = 0; i < key.size(); i += 2) {
    const int high = hex_value(key[i]);
    const int low = hex_value(key[i + 1]);
    if (high < 0 || low < 0) {
      throw UsageError("key \"" + key + "\": \"" + key.substr(i, 2) + "\" is not a hex byte (0-9, a-f)");
    }
    bytes.push_back(static_cast<std::uint8_t>(high * 16 + low));
  }
  return bytes;
}

}  // namespace

int command_partition(const Args& args) {
  po::options_description options("usage: ksim partition --partitions N [--hex] KEY...\n\noptions");
  options.add_options()
      ("help,h", "print this help")
      ("partitions", po::value<std::string>(), "number of partitions of the topic")
      ("hex", "keys are hex bytes");
  po::options_description hidden;
  hidden.add_options()("key", po::value<std::vector<std::string>>());
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("key", -1);
  const po::variables_map vm = parse_options("partition", args, all, positional);
  if (vm.count("help") != 0U) {
    std::fputs((std::ostringstream() << options).str().c_str(), stdout);
    return 0;
  }
  if (vm.count("partitions") == 0U) throw UsageError("ksim partition: --partitions N is required");
  const auto partitions = static_cast<std::int32_t>(count_option(vm, "partitions", 1, 1'000'000));
  if (vm.count("key") == 0U) throw UsageError("ksim partition: give at least one key");
  const bool hex = vm.count("hex") != 0U;
  const auto& keys = vm["key"].as<std::vector<std::string>>();
  std::vector<std::int32_t> results;
  for (const std::string& key : keys) results.push_back(core::partition_for_key(key_bytes(key, hex), partitions));
  for (std::size_t i = 0; i < keys.size(); ++i) std::printf("%s\t%d\n", keys[i].c_str(), results[i]);
  return 0;
}

}  // namespace ksim::cli
