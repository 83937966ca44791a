// UsageError: the user asked for something we cannot do. main() prints it and exits with 2.
#pragma once

#include <stdexcept>
#include <string>

namespace ksim::cli {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ksim::cli
