// What the knowledge services tell the rest of the layer: the ingest worker that a source
// waits, the search indexes that a source's chunks or a bot changed. Wired together by
// KnowledgeBase; each defaults to doing nothing.
#pragma once

#include <functional>
#include <string>

namespace parley {

struct KnowledgeEvents {
  using SourceEvent = std::function<void(const std::string& bot_id, const std::string& source_id)>;
  std::function<void()> source_queued = [] {};
  SourceEvent source_processed = [](const std::string&, const std::string&) {};
  SourceEvent source_removed = [](const std::string&, const std::string&) {};
  std::function<void(const std::string& bot_id)> bot_removed = [](const std::string&) {};
  // The bot's name, language or settings changed (e.g. its embeddings endpoint).
  std::function<void(const std::string& bot_id)> bot_changed = [](const std::string&) {};
};

}  // namespace parley
