// bench_answer --api: the WikiQA documents as the knowledge of a bot in the real binary,
// asked through the chat API as a visitor asks (a new conversation per question), so that
// the figures cover the whole path: sources, ingestion, chunking, the chat service.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "answer_report.h"
#include "tests/support/parley_process.h"
#include "wikiqa.h"

namespace parley::bench {

class ApiBot {
 public:
  // Starts `binary` (`parley serve`) on a fresh data dir, bootstraps a workspace, makes a bot
  // with `threshold`, adds each document as a text source (its title; its sentences joined
  // by spaces, as the library run indexes it; external_id = the document id) and waits until
  // all are ready. `env`: more of the binary's settings (PARLEY_*). Throws
  // std::runtime_error, with the server's words, when a step fails.
  ApiBot(const std::string& binary, const WikiQa& data, double threshold,
         const std::map<std::string, std::string>& env = {});
  ~ApiBot();
  ApiBot(const ApiBot&) = delete;
  ApiBot& operator=(const ApiBot&) = delete;

  // One chat turn in a new conversation; passage_ids are the documents of the best
  // `passages` hits of POST /bots/{bot_id}/search for the question (the chat service
  // retrieves the same for a first message); latency_us is the chat request over HTTP.
  BotTurn ask(const std::string& question, size_t passages);

  int64_t chunks() const { return chunks_; }

 private:
  std::string call(const std::string& method, const std::string& path, const std::string& body,
                   int expected_status);
  void wait_until_ready(size_t sources);

  std::filesystem::path dir_;
  std::unique_ptr<testing::ParleyServer> server_;
  std::string key_;
  std::string bot_;
  int64_t chunks_ = 0;
};

}  // namespace parley::bench
