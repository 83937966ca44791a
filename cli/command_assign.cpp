// `ksim assign --assignor <range|roundrobin|sticky|cooperative-sticky> FILE`: what a consumer
// group's leader would assign, for the members and topics described in FILE:
//
//   {"members": {"<member>": ["<topic>", ...]}, "topics": {"<topic>": <partitions>},
//    "owned": {"<member>": ["<topic>-<p>", ...]}, "generation": {"<member>": <int>},
//    "group_instance_ids": {"<member>": "<id>"}}
//
// The last three are optional. It prints {"<member>": ["<topic>-<p>", ...]}, members in the order
// the file lists them, partitions in the order the assignor produced them.
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "cli/options.hpp"
#include "cli/usage_error.hpp"
#include "core/client/assignors.hpp"

namespace ksim::cli {
namespace {

using Json = nlohmann::ordered_json;

class Input {
 public:
  explicit Input(std::string file) : file_(std::move(file)) {}
  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw UsageError(file_ + ": " + where + ": " + what);
  }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

core::TopicPartition parse_partition(const Input& in, const std::string& where, const std::string& text) {
  std::optional<core::TopicPartition> tp = core::parse_topic_partition(text);
  if (!tp) in.fail(where, "\"" + text + "\" is not a partition; write it as <topic>-<number>, e.g. orders-0");
  return std::move(*tp);
}

const Json& object_at(const Input& in, const Json& doc, const char* key, bool required) {
  static const Json kEmpty = Json::object();
  if (!doc.contains(key)) {
    if (required) in.fail("the top level", std::string("\"") + key + "\" is missing");
    return kEmpty;
  }
  if (!doc[key].is_object()) in.fail(key, "must be an object");
  return doc[key];
}

std::vector<core::MemberSubscription> read_members(const Input& in, const Json& doc,
                                                   std::map<std::string, std::int32_t>& topics) {
  for (const auto& [key, value] : doc.items()) {
    static const std::vector<std::string> kKnown{"members", "topics", "owned", "generation", "group_instance_ids"};
    if (std::find(kKnown.begin(), kKnown.end(), key) == kKnown.end()) {
      in.fail("the top level", "unknown key \"" + key +
                                   "\"; the keys are members, topics, owned, generation, group_instance_ids");
    }
  }
  for (const auto& [topic, count] : object_at(in, doc, "topics", true).items()) {
    if (!count.is_number_integer() || count.get<std::int64_t>() < 0 || count.get<std::int64_t>() > 1'000'000) {
      in.fail("topics." + topic, "must be a whole number of partitions, 0 or more");
    }
    // As the Java client's assignors see the metadata: a topic without partitions is skipped.
    if (count.get<std::int32_t>() > 0) topics[topic] = count.get<std::int32_t>();
  }
  const Json& members = object_at(in, doc, "members", true);
  if (members.empty()) in.fail("members", "must name at least one member");
  const Json& owned = object_at(in, doc, "owned", false);
  const Json& generation = object_at(in, doc, "generation", false);
  const Json& instances = object_at(in, doc, "group_instance_ids", false);
  for (const Json* section : {&owned, &generation, &instances}) {
    for (const auto& [member, value] : section->items()) {
      if (!members.contains(member)) in.fail(member, "is not listed under \"members\"");
    }
  }
  std::vector<core::MemberSubscription> out;
  for (const auto& [id, subscription] : members.items()) {
    const std::string where = "members." + id;
    if (!subscription.is_array()) in.fail(where, "must be a list of topic names");
    core::MemberSubscription m;
    m.member_id = id;
    for (const Json& topic : subscription) {
      if (!topic.is_string()) in.fail(where, "must be a list of topic names");
      // A topic "topics" does not list is one the metadata does not have (yet): the assignors
      // assign around it, as Java's do.
      m.topics.push_back(topic.get<std::string>());
    }
    if (owned.contains(id)) {
      if (!owned[id].is_array()) in.fail("owned." + id, "must be a list of partitions");
      for (const Json& p : owned[id]) {
        if (!p.is_string()) in.fail("owned." + id, "must be a list of partitions like \"orders-0\"");
        // An owned partition of a topic that is gone (or shrank from the metadata's view) is
        // given up by the assignors, as Java's do.
        const core::TopicPartition tp = parse_partition(in, "owned." + id, p.get<std::string>());
        if (std::find(m.owned.begin(), m.owned.end(), tp) != m.owned.end()) {
          in.fail("owned." + id, "lists \"" + tp.str() + "\" twice");
        }
        m.owned.push_back(tp);
      }
    }
    if (generation.contains(id)) {
      if (!generation[id].is_number_integer() || generation[id].get<std::int64_t>() < -1 ||
          generation[id].get<std::int64_t>() > INT32_MAX) {
        in.fail("generation." + id, "must be a whole number from -1 (unknown) up");
      }
      m.generation = generation[id].get<std::int32_t>();
    }
    if (instances.contains(id)) {
      if (!instances[id].is_string()) in.fail("group_instance_ids." + id, "must be a string");
      m.group_instance_id = instances[id].get<std::string>();
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

int command_assign(const Args& args) {
  po::options_description options("usage: ksim assign --assignor <name> FILE\n\noptions");
  options.add_options()
      ("assignor", po::value<std::string>(), "range, roundrobin, sticky or cooperative-sticky");
  const std::optional<po::variables_map> parsed = parse_file_command("assign", args, options, false);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  if (vm.count("assignor") == 0U) throw UsageError("ksim assign: --assignor is required (range, roundrobin, sticky, cooperative-sticky)");
  if (vm.count("file") == 0U) throw UsageError("ksim assign: name the JSON file that describes the group");
  const std::string assignor = vm["assignor"].as<std::string>();
  if (!core::is_known_assignor(assignor)) {
    throw UsageError("ksim assign: unknown assignor \"" + assignor +
                     "\"; the assignors are range, roundrobin, sticky, cooperative-sticky");
  }
  const Input in(vm["file"].as<std::string>());
  std::ifstream stream(in.file());
  if (!stream) throw UsageError(in.file() + ": cannot be read; check the path");
  Json doc;
  try {
    doc = Json::parse(stream);
  } catch (const Json::parse_error& e) {
    throw UsageError(in.file() + ": not valid JSON: " + e.what());
  }
  if (!doc.is_object()) in.fail("the top level", "must be a JSON object with \"members\" and \"topics\"");
  std::map<std::string, std::int32_t> topics;
  const std::vector<core::MemberSubscription> members = read_members(in, doc, topics);
  const core::GroupAssignment result = *core::run_assignor(assignor, members, topics);
  Json out = Json::object();
  for (const core::MemberSubscription& m : members) {
    Json list = Json::array();
    for (const core::TopicPartition& tp : result.at(m.member_id)) list.push_back(tp.str());
    out[m.member_id] = list;
  }
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

}  // namespace ksim::cli
