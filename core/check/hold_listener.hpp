// HoldListener: told when a record becomes held by some final log, or stops being held by any
// (CommittedRecords tells; the lost counts and the end-to-end wait listen).
#pragma once

#include <cstdint>

namespace ksim::core {

class HoldListener {
 public:
  virtual ~HoldListener() = default;
  // Some final log now holds the record (held), or none holds it any more.
  virtual void on_hold_changed(std::uint64_t record_id, bool held) = 0;

 protected:
  HoldListener() = default;
  HoldListener(const HoldListener&) = default;
  HoldListener& operator=(const HoldListener&) = default;
};

}  // namespace ksim::core
