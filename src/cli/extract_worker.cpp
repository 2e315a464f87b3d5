#include "cli/extract_worker.h"

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "kb/extract/extract_worker.h"

namespace parley {

CLI::App* add_extract_worker_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "extract-worker", "Extract the file on stdin to a JSON Document (run by the server)");
  command->group("");  // hidden: people never need it, the server does
  // Its arguments are the worker protocol's (extract_worker_args), parsed by the worker.
  command->prefix_command();
  return command;
}

int run_extract_worker_command(const CLI::App& command) {
  return run_extract_worker(command.remaining(), STDIN_FILENO, STDOUT_FILENO);
}

}  // namespace parley
