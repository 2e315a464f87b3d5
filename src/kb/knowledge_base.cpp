#include "kb/knowledge_base.h"

#include "kb/extract/sandbox.h"

namespace parley {

ExtractFn sandboxed_extractor(std::string executable, const KbConfig& config) {
  SandboxLimits limits;
  limits.cpu_seconds = config.extract_cpu_seconds;
  limits.wall_seconds = config.extract_wall_seconds;
  limits.memory_bytes = static_cast<int64_t>(config.extract_memory_mb) * 1024 * 1024;
#if defined(__SANITIZE_ADDRESS__)
  limits.memory_bytes = 0;  // ASan reserves terabytes of address space: no RLIMIT_AS
#endif
  std::vector<std::string> argv = {std::move(executable), "extract-worker"};
  return
      [argv, limits](std::string_view bytes, std::string_view hint, const ExtractOptions& options) {
        return extract_in_sandbox(argv, bytes, hint, options, limits);
      };
}

}  // namespace parley
