// The subcommands of `ksim`. Each takes the arguments after its name and returns the exit code:
// 0 success, 1 a check failed, 2 bad input (thrown as UsageError).
#pragma once

#include <string>
#include <vector>

namespace ksim::cli {

using Args = std::vector<std::string>;

int command_bench(const Args& args);
int command_demo(const Args& args);
int command_partition(const Args& args);
int command_assign(const Args& args);
int command_run(const Args& args);
int command_check(const Args& args);
int command_list(const Args& args);
int command_describe(const Args& args);
int command_explore(const Args& args);

}  // namespace ksim::cli
