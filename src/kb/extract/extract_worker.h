// The extraction child's side of the sandbox (sandbox.h): `parley extract-worker` reads the
// file on stdin, extracts it and answers with one JSON object on stdout. Also the argument
// and reply formats both sides share.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "kb/extract/extract.h"

namespace parley {

// The reply's "code" when the worker ran out of memory; not an ErrorCode, because only the
// parent knows the limit to name in the message.
inline constexpr std::string_view kWorkerOutOfMemory = "out_of_memory";

struct ExtractWorkerArgs {
  std::string filename_hint;
  ExtractOptions options;
};

// The arguments the parent appends to the worker's command line ("--hint=faq.md", ...).
std::vector<std::string> extract_worker_args(std::string_view filename_hint,
                                             const ExtractOptions& options);
Result<ExtractWorkerArgs> parse_extract_worker_args(const std::vector<std::string>& args);

// Reads in_fd to the end, extracts, writes {"ok":true,"document":{...}} or
// {"ok":false,"code":"...","message":"..."} to out_fd. Returns the process exit status:
// 0 whenever a reply was written, even for a file that could not be read.
int run_extract_worker(const std::vector<std::string>& args, int in_fd, int out_fd);

}  // namespace parley
