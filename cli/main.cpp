// ksim: the command-line face of the simulator.
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

#include "cli/commands.hpp"
#include "cli/huge_pages.hpp"
#include "cli/usage_error.hpp"

namespace {

constexpr const char* kUsage =
    "usage: ksim <command> [options]\n"
    "\n"
    "commands:\n"
    "  run           play scenario files and report what happened (exit 1 when an expectation fails)\n"
    "  check         validate scenario files without running them\n"
    "  list          the bundled labs, with a line each\n"
    "  explore       run many seeds of a scenario (optionally with random faults) and list the failing ones\n"
    "  describe      a scenario's cluster and groups at a moment, as kafka-topics / kafka-consumer-groups show them\n"
    "  demo gossip   run the kernel's gossip workload with random faults and print a summary\n"
    "  partition     the partition the Java producer picks for each key\n"
    "  assign        what a consumer group's assignor gives each member\n"
    "  bench kernel  measure the event scheduler against two reference event loops\n"
    "  bench replication  measure the broker model on a steady acks=all workload\n"
    "  bench producer     measure one producer at 200,000 records per simulated second\n"
    "  bench assign       measure the assignors and a 500-member rebalance\n"
    "  bench throughput   measure a steady cluster end to end (producers, replication, a group)\n"
    "  version       print the version\n"
    "  help          print this text\n"
    "\n"
    "`ksim <command> --help` describes a command's options.\n";

int dispatch(int argc, char** argv) {
  if (argc < 2) throw ksim::cli::UsageError(std::string("no command given\n\n") + kUsage);
  const std::string_view command = argv[1];
  const ksim::cli::Args args(argv + 2, argv + argc);
  if (command == "bench") return ksim::cli::command_bench(args);
  if (command == "demo") return ksim::cli::command_demo(args);
  if (command == "partition") return ksim::cli::command_partition(args);
  if (command == "assign") return ksim::cli::command_assign(args);
  if (command == "run") return ksim::cli::command_run(args);
  if (command == "check") return ksim::cli::command_check(args);
  if (command == "list") return ksim::cli::command_list(args);
  if (command == "describe") return ksim::cli::command_describe(args);
  if (command == "explore") return ksim::cli::command_explore(args);
  if (command == "version" || command == "--version") {
    std::printf("ksim %s\n", KSIM_VERSION);
    return 0;
  }
  if (command == "help" || command == "--help" || command == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  throw ksim::cli::UsageError("unknown command `" + std::string(command) + "`\n\n" + kUsage);
}

}  // namespace

int main(int argc, char** argv) {
  ksim::cli::restart_with_huge_pages(argv);
  try {
    return dispatch(argc, argv);
  } catch (const ksim::cli::UsageError& e) {
    std::fprintf(stderr, "ksim: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ksim: unexpected error: %s\n", e.what());
    return 3;
  }
}
