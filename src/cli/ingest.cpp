#include "cli/ingest.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cli/runtime.h"
#include "core/ids.h"
#include "kb/knowledge_base.h"

namespace parley {
namespace fs = std::filesystem;
namespace {

bool is_url(const std::string& input) {
  return input.rfind("http://", 0) == 0 || input.rfind("https://", 0) == 0;
}

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::not_found, "cannot read " + path.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// The files an input names: itself, or every regular file under a directory, sorted.
std::vector<fs::path> files_of(const fs::path& input) {
  if (!fs::is_directory(input)) return {input};
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(input)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void draw_progress(size_t finished, size_t total, int64_t chunks, bool terminal) {
  if (!terminal) return;
  constexpr int kWidth = 30;
  int filled = total == 0 ? kWidth : static_cast<int>(kWidth * finished / total);
  std::fprintf(stderr, "\r[%s%s] %zu/%zu sources, %lld chunks", std::string(filled, '#').c_str(),
               std::string(kWidth - filled, '.').c_str(), finished, total,
               static_cast<long long>(chunks));
  std::fflush(stderr);
}

}  // namespace

int run_ingest(const Config& config, const IngestRequest& request) {
  auto runtime = open_runtime(config, DataDirUse::shared);
  if (!runtime) {
    std::fprintf(stderr, "parley: %s\n", runtime.error().message.c_str());
    return 1;
  }
  Runtime& rt = **runtime;
  KnowledgeBase kb({*rt.store, *rt.keyring, rt.clock, config.kb, config.crawl},
                   sandboxed_extractor("/proc/self/exe", config.kb), *rt.log);
  auto workspace = kb.bots.workspace_of(request.bot_id);
  if (!workspace || !*workspace) {
    std::fprintf(stderr, "parley: no bot %s here\n", request.bot_id.c_str());
    return 1;
  }
  const Actor actor = Actor::user("cli");

  std::vector<std::string> source_ids;
  int refused = 0;
  auto added = [&](const std::string& name, Result<SourceView> source) {
    if (source) {
      source_ids.push_back(source->id);
    } else {
      ++refused;
      std::fprintf(stderr, "parley: %s: %s\n", name.c_str(), source.error().message.c_str());
    }
  };
  for (const std::string& input : request.inputs) {
    if (is_url(input)) {
      added(input, kb.sources.add_website(**workspace, request.bot_id, {input, {}, {}, {}}, actor));
      continue;
    }
    if (!fs::exists(input)) {
      added(input, make_error(ErrorCode::not_found, "no such file or directory"));
      continue;
    }
    for (const fs::path& file : files_of(input)) {
      auto bytes = read_file(file);
      if (!bytes) {
        added(file.string(), bytes.error());
        continue;
      }
      added(file.string(),
            kb.sources.add_file(**workspace, request.bot_id,
                                {file.filename().string(), std::move(*bytes)}, actor));
    }
  }

  // Process here; a running server's workers may take some of them, which is as good.
  kb.worker.start(std::max(1, config.kb.ingest_workers));
  const bool terminal = isatty(STDERR_FILENO);
  int failed = 0;
  while (true) {
    size_t finished = 0;
    int64_t chunks = 0;
    failed = 0;
    for (const std::string& id : source_ids) {
      auto source = kb.sources.get(**workspace, request.bot_id, id);
      if (!source) continue;  // deleted meanwhile
      if (source->status == "ready" || source->status == "failed") ++finished;
      if (source->status == "failed") ++failed;
      chunks += source->chunk_count;
    }
    draw_progress(finished, source_ids.size(), chunks, terminal);
    if (finished == source_ids.size()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  kb.worker.stop();
  if (terminal) std::fprintf(stderr, "\n");

  for (const std::string& id : source_ids) {
    auto source = kb.sources.get(**workspace, request.bot_id, id);
    if (!source) continue;
    std::printf("%s\t%s\t%lld chunks\t%s%s\n", source->id.c_str(), source->status.c_str(),
                static_cast<long long>(source->chunk_count), source->title.c_str(),
                source->error ? (": " + *source->error).c_str() : "");
  }
  return failed + refused > 0 ? 1 : 0;
}

}  // namespace parley
