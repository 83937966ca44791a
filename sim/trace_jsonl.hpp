// JsonLinesWriter: a trace sink that writes one JSON object per event, for tools and for people.
//
//   {"t_ns":1500000000,"t":"1.5s","node":"broker:1","kind":"node.stopped","how":"power-loss"}
//
// The file is written whole or not at all: events go to "<path>.tmp", and finish() renames it to
// <path> once everything is flushed. A writer destroyed without finish() deletes its temporary
// file, so a crashed or interrupted run never leaves half a trace under the real name.
#pragma once

#include <cstdio>
#include <functional>
#include <string>

#include "sim/trace.hpp"

namespace ksim::sim {

class JsonLinesWriter final : public TraceSink {
 public:
  using NodeNamer = std::function<std::string(NodeId)>;

  JsonLinesWriter(std::string path, NodeNamer name_of);
  ~JsonLinesWriter() override;
  JsonLinesWriter(const JsonLinesWriter&) = delete;
  JsonLinesWriter& operator=(const JsonLinesWriter&) = delete;

  // False (with error() saying why) when the temporary file cannot be created.
  bool open();
  void on_event(const TraceEvent& event) override;
  // Flushes and moves the file into place. False, with error(), if any write failed.
  bool finish();
  const std::string& error() const { return error_; }

 private:
  void write_string(std::string_view text);

  std::string path_;
  std::string temp_path_;
  NodeNamer name_of_;
  std::FILE* file_ = nullptr;
  std::string line_;
  std::string error_;
};

}  // namespace ksim::sim
