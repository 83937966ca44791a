#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "sim/trace.hpp"
#include "sim/trace_jsonl.hpp"

using namespace ksim::sim;

namespace {

std::uint64_t hash_of(std::initializer_list<TraceField> fields, std::string_view kind = "x.happened",
                      Time at = Time::zero() + milliseconds(1), NodeId node = NodeId{3}) {
  Trace trace;
  TraceHasher hasher;
  trace.attach(hasher);
  trace.emit(at, node, kind, fields);
  return hasher.hash();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool file_exists(const std::string& path) { return std::ifstream(path).good(); }

}  // namespace

TEST_CASE("trace: the fingerprint is pinned to a documented encoding", "[sim][trace]") {
  // FNV-1a 64 over: time u64 LE, node u32 LE, kind (u32 length + bytes), field count u32, and per
  // field its key, a type byte and the value. Pinned so that no change of encoding goes unnoticed.
  CHECK(format_hash(hash_of({})) == "cfcc671e01f57bfe");
  CHECK(format_hash(hash_of({{"to", NodeId{1}}, {"bytes", 120}, {"label", "Produce"}})) ==
        "d3bb8c5a0d089c26");
}

TEST_CASE("trace: every part of an event changes the fingerprint", "[sim][trace]") {
  const std::uint64_t base = hash_of({{"bytes", 120}});
  CHECK(hash_of({{"bytes", 121}}) != base);
  CHECK(hash_of({{"size", 120}}) != base);
  CHECK(hash_of({{"bytes", "120"}}) != base);
  CHECK(hash_of({{"bytes", NodeId{120}}}) != base);
  CHECK(hash_of({{"bytes", 120}}, "y.happened") != base);
  CHECK(hash_of({{"bytes", 120}}, "x.happened", Time::zero() + milliseconds(2)) != base);
  CHECK(hash_of({{"bytes", 120}}, "x.happened", Time::zero() + milliseconds(1), NodeId{4}) != base);
  CHECK(hash_of({{"bytes", 120}}) == base);
}

TEST_CASE("trace: the hash is a running hash over the sequence of events", "[sim][trace]") {
  const auto run = [](bool swapped) {
    Trace trace;
    TraceHasher hasher;
    trace.attach(hasher);
    trace.emit(Time::zero(), NodeId{1}, swapped ? "b" : "a");
    trace.emit(Time::zero(), NodeId{1}, swapped ? "a" : "b");
    return hasher.hash();
  };
  CHECK(run(false) != run(true));
}

TEST_CASE("trace: with no sink nothing is dispatched, and detached sinks stop hearing", "[sim][trace]") {
  Trace trace;
  CHECK_FALSE(trace.enabled());
  TraceHasher hasher;
  trace.attach(hasher);
  CHECK(trace.enabled());
  trace.emit(Time::zero(), NodeId{1}, "a");
  trace.detach(hasher);
  trace.emit(Time::zero(), NodeId{1}, "b");
  CHECK(hasher.events() == 1);
  CHECK_FALSE(trace.enabled());
}

TEST_CASE("trace: JSON Lines are written whole, with names and escaped text", "[sim][trace]") {
  const std::string path = "trace_test_output.jsonl";
  std::remove(path.c_str());
  {
    JsonLinesWriter writer(path, [](NodeId id) { return "broker:" + std::to_string(id.value); });
    REQUIRE(writer.open());
    Trace trace;
    trace.attach(writer);
    trace.emit(Time::zero() + milliseconds(1500), NodeId{1}, "net.sent",
               {{"to", NodeId{2}}, {"bytes", 64}, {"label", "say \"hi\"\n"}});
    trace.emit(Time::zero() + seconds(2), NodeId::none(), "fault.applied", {{"fault", "crash"}});
    CHECK_FALSE(file_exists(path));  // still under its temporary name
    REQUIRE(writer.finish());
  }
  CHECK(read_file(path) ==
        "{\"t_ns\":1500000000,\"t\":\"1.5s\",\"node\":\"broker:1\",\"kind\":\"net.sent\","
        "\"to\":\"broker:2\",\"bytes\":64,\"label\":\"say \\\"hi\\\"\\n\"}\n"
        "{\"t_ns\":2000000000,\"t\":\"2s\",\"node\":null,\"kind\":\"fault.applied\","
        "\"fault\":\"crash\"}\n");
  std::remove(path.c_str());
}

TEST_CASE("trace: an unfinished JSON Lines file leaves nothing behind", "[sim][trace]") {
  const std::string path = "trace_test_unfinished.jsonl";
  {
    JsonLinesWriter writer(path, [](NodeId) { return std::string("n"); });
    REQUIRE(writer.open());
    writer.on_event(TraceEvent{Time::zero(), NodeId{0}, "a", {}});
  }
  CHECK_FALSE(file_exists(path));
  CHECK_FALSE(file_exists(path + ".tmp"));

  JsonLinesWriter nowhere("/nonexistent-dir/trace.jsonl", [](NodeId) { return std::string(); });
  CHECK_FALSE(nowhere.open());
  CHECK(nowhere.error().find("/nonexistent-dir/trace.jsonl.tmp") != std::string::npos);
}
