// `parley extract-worker`: the hidden command the server runs in its extraction sandbox
// (kb/extract/sandbox.h). Reads a file on stdin, writes a Document as JSON on stdout.
#pragma once

namespace CLI {
class App;
}

namespace parley {
// Registers the command, hidden from --help; it takes its own --hint=, --base-url=, ...
CLI::App* add_extract_worker_command(CLI::App& app);
int run_extract_worker_command(const CLI::App& command);
}  // namespace parley
