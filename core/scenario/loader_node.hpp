// The scenario loader's internals, shared by its source files (loader.cpp, loader_faults.cpp):
// a JSON value that knows where it sits in the file, and the section readers both need. Only
// the loader includes this (it brings nlohmann_json with it).
#pragma once

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/scenario/config_keys.hpp"
#include "core/scenario/loader.hpp"

namespace ksim::core::scenario_detail {

using Json = nlohmann::ordered_json;


// The file being read, for the messages of nodes built from fragments (one load at a time).
inline thread_local const std::string* current_file = nullptr;

// A JSON value and where it sits in the file.
class Node {
 public:
  Node(const Json& json, std::string path, const std::string& file) : json_(json), path_(std::move(path)), file_(file) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw ScenarioError(file_ + ": " + (path_.empty() ? std::string("the top level") : path_) + ": " + what);
  }
  const std::string& path() const { return path_; }
  const Json& json() const { return json_; }

  const Node& object(std::initializer_list<const char*> allowed) const {
    return object(std::vector<std::string>(allowed.begin(), allowed.end()));
  }
  // The keys of a named section (see scenario_section_keys).
  const Node& section(std::string_view name) const { return object(scenario_section_keys(name)); }
  const Node& object(const std::vector<std::string>& keys) const {
    if (!json_.is_object()) fail("must be an object");
    for (const auto& [key, value] : json_.items()) {
      if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
      std::string message = "unknown key \"" + key + "\"";
      const std::string suggestion = did_you_mean(key, keys);
      message += suggestion.empty() ? "; the keys here are " + join(keys) : "; did you mean \"" + suggestion + "\"?";
      Node(value, child_path(key), file_).fail(message);
    }
    return *this;
  }
  bool has(const char* key) const { return json_.is_object() && json_.contains(key); }
  Node at(const char* key) const {
    if (!has(key)) fail(std::string("\"") + key + "\" is missing");
    return Node(json_.at(key), child_path(key), file_);
  }
  std::vector<Node> array() const {
    if (!json_.is_array()) fail("must be a list");
    std::vector<Node> out;
    for (std::size_t i = 0; i < json_.size(); ++i) out.emplace_back(json_[i], path_ + "[" + std::to_string(i) + "]", file_);
    return out;
  }
  std::string string() const {
    if (!json_.is_string()) fail("must be a string");
    return json_.get<std::string>();
  }
  bool boolean() const {
    if (!json_.is_boolean()) fail("must be true or false");
    return json_.get<bool>();
  }
  double number(double lo, double hi) const {
    if (!json_.is_number()) fail("must be a number");
    const double n = json_.get<double>();
    if (!std::isfinite(n) || n < lo || n > hi) fail("must be between " + format(lo) + " and " + format(hi));
    return n;
  }
  std::int64_t integer(std::int64_t lo, std::int64_t hi) const {
    if (!json_.is_number_integer()) fail("must be a whole number");
    const std::int64_t n = json_.is_number_unsigned() && json_.get<std::uint64_t>() > INT64_MAX ? INT64_MAX : json_.get<std::int64_t>();
    if (n < lo || n > hi) fail("must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    return n;
  }
  sim::Duration duration() const {
    if (!json_.is_string()) fail("must be a duration written as a string, such as \"250ms\", \"5s\" or \"2m\"");
    sim::Duration d;
    std::string error;
    if (!sim::parse_duration(json_.get<std::string>(), d, error)) fail(error);
    if (d > sim::minutes(60 * 24 * 365)) fail("is longer than a year; a lab runs for seconds or minutes");
    return d;
  }
  sim::Time instant() const { return sim::Time::zero() + duration(); }

 private:
  std::string child_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  static std::string join(const std::vector<std::string>& keys) {
    std::string out;
    for (const std::string& k : keys) out += (out.empty() ? "" : ", ") + k;
    return out;
  }
  static std::string format(double d) {
    std::ostringstream s;
    s << d;
    return s.str();
  }

  const Json& json_;
  std::string path_;
  const std::string& file_;
};

sim::LinkParams read_link(const Node& n, sim::LinkParams link);
ConfigValue config_value(const Node& n);
TopicPartition read_partition(const Node& n);
const TopicSpec* find_topic(const Scenario& s, const std::string& name);
void require_topic(const Scenario& s, const Node& n);
void read_faults(const Node& list, Scenario& s);

}  // namespace ksim::core::scenario_detail
