#include "sim/trace_jsonl.hpp"

#include <cerrno>
#include <cstring>
#include <utility>

namespace ksim::sim {

JsonLinesWriter::JsonLinesWriter(std::string path, NodeNamer name_of)
    : path_(std::move(path)), temp_path_(path_ + ".tmp"), name_of_(std::move(name_of)) {}

JsonLinesWriter::~JsonLinesWriter() {
  if (file_ != nullptr) {
    std::fclose(file_);
    std::remove(temp_path_.c_str());
  }
}

bool JsonLinesWriter::open() {
  file_ = std::fopen(temp_path_.c_str(), "w");
  if (file_ == nullptr) {
    error_ = "cannot write the trace file " + temp_path_ + ": " + std::strerror(errno) +
             "; choose a writable path";
    return false;
  }
  return true;
}

void JsonLinesWriter::on_event(const TraceEvent& event) {
  if (file_ == nullptr) return;
  line_.clear();
  line_ += "{\"t_ns\":";
  line_ += std::to_string(event.time.ns());
  line_ += ",\"t\":\"";
  line_ += format_time(event.time);
  line_ += "\",\"node\":";
  if (event.node.valid()) {
    write_string(name_of_(event.node));
  } else {
    line_ += "null";
  }
  line_ += ",\"kind\":";
  write_string(event.kind);
  for (const TraceField& field : event.fields) {
    line_ += ',';
    write_string(field.key);
    line_ += ':';
    switch (field.value.type()) {
      case TraceValue::Type::integer:
        line_ += std::to_string(field.value.integer());
        break;
      case TraceValue::Type::text:
        write_string(field.value.text());
        break;
      case TraceValue::Type::node:
        write_string(name_of_(field.value.node()));
        break;
    }
  }
  line_ += "}\n";
  std::fwrite(line_.data(), 1, line_.size(), file_);
}

void JsonLinesWriter::write_string(std::string_view text) {
  line_ += '"';
  for (const char c : text) {
    switch (c) {
      case '"': line_ += "\\\""; break;
      case '\\': line_ += "\\\\"; break;
      case '\n': line_ += "\\n"; break;
      case '\t': line_ += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[7];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          line_ += escaped;
        } else {
          line_ += c;
        }
    }
  }
  line_ += '"';
}

bool JsonLinesWriter::finish() {
  if (file_ == nullptr) return error_.empty();
  const bool written = std::fflush(file_) == 0 && std::ferror(file_) == 0;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!written || !closed) {
    error_ = "writing the trace file " + temp_path_ + " failed; is the disk full?";
    std::remove(temp_path_.c_str());
    return false;
  }
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    error_ = "cannot move the trace into place at " + path_ + ": " + std::strerror(errno);
    std::remove(temp_path_.c_str());
    return false;
  }
  return true;
}

}  // namespace ksim::sim
