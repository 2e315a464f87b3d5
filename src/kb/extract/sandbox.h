// Runs extraction of an untrusted file in a child process with CPU, memory, time and output
// limits, so that a hostile file costs one job and never the server. Called by the source
// ingestion jobs; blocks the calling (worker pool) thread until the child is gone.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "kb/extract/document.h"
#include "kb/extract/extract.h"

namespace parley {

struct SandboxLimits {
  int cpu_seconds = 30;
  int64_t memory_bytes = 1ll << 30;  // address space; 0 = no limit (needed under ASan)
  int wall_seconds = 60;
  int64_t output_bytes = 64ll << 20;
};

// Runs argv (argv[0] is a path; no PATH search) with `input` as its stdin, stderr discarded,
// an environment of PATH and LANG only, no other open files, in its own process group,
// which is killed when the child exits, overruns a limit, or the parent dies. Returns what
// the child wrote to stdout when it exited with status 0. Errors:
//  payload_too_large: a limit was hit ("extraction took more than 30 CPU seconds: ...");
//  invalid_argument: the child crashed ("the file could not be read (the reader crashed)");
//  internal: the child could not start or failed with a non-zero status;
//  unavailable: the system refused a process, pipe or memory file (try again later).
Result<std::string> run_sandboxed(const std::vector<std::string>& argv, std::string_view input,
                                  const SandboxLimits& limits);

// Runs `worker_argv` (normally {"/proc/self/exe", "extract-worker"}) through run_sandboxed
// with the extraction arguments appended, and reads its JSON reply (extract_worker.h):
// the Document, or the error extract_document gave, or a limit error as above.
Result<Document> extract_in_sandbox(const std::vector<std::string>& worker_argv,
                                    std::string_view bytes, std::string_view filename_hint,
                                    const ExtractOptions& options, const SandboxLimits& limits);

}  // namespace parley
