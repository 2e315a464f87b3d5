// bench_ingest: megabytes per second from files to stored chunks, on a mixed corpus made
// from BEIR SciFact's abstracts (PDF, DOCX, HTML, Markdown and plain text files of 40
// abstracts each). Two runs over the same files, same process:
//  - baseline: extraction and chunking in-process, nothing stored (the work itself);
//  - parley: the real path: upload through the source service, extraction in the sandboxed
//    child (`parley extract-worker`), chunking, sealing, durable storage in SQLite, by the
//    ingest worker's threads.
// Prints one JSON line: MB/s of file bytes for each, and parley's share of the baseline.
//
//   bench_ingest [--corpus DIR/corpus.jsonl] [--files N] [--parley BINARY] [--dir DIR]
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "accounts/account_service.h"
#include "kb/chunker.h"
#include "kb/extract/extract.h"
#include "kb/knowledge_base.h"
#include "tests/support/sample_files.h"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using Steady = std::chrono::steady_clock;
using namespace parley;

struct Options {
  std::string corpus = "../shared/data/beir/scifact/corpus.jsonl";
  int files = 100;
  std::string parley_binary = "build/release/parley";
  std::string dir;
};

struct Abstract {
  std::string title;
  std::string text;
};

std::vector<Abstract> read_corpus(const std::string& path) {
  std::ifstream in(path);
  std::vector<Abstract> out;
  for (std::string line; std::getline(in, line);) {
    json::value doc = json::parse(line);
    out.push_back(
        {std::string(doc.at("title").as_string()), std::string(doc.at("text").as_string())});
  }
  return out;
}

std::string escape_html(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (ch == '<')
      out += "&lt;";
    else if (ch == '>')
      out += "&gt;";
    else if (ch == '&')
      out += "&amp;";
    else
      out += ch;
  }
  return out;
}

// One file of `group` abstracts in the given type.
std::pair<std::string, std::string> make_file(int index, const std::vector<Abstract>& group) {
  const std::string stem = "doc" + std::to_string(index);
  switch (index % 5) {
    case 0: {
      std::vector<std::string> pages;
      for (const Abstract& a : group) pages.push_back(a.title + "\n\n" + a.text);
      return {stem + ".pdf", test::make_pdf(pages)};
    }
    case 1: {
      std::vector<test::DocxItem> items;
      for (const Abstract& a : group) {
        items.push_back({a.title, 1});
        items.push_back({a.text});
      }
      return {stem + ".docx", test::make_docx(items)};
    }
    case 2: {
      std::string html = "<html><head><title>" + stem + "</title></head><body><main>";
      for (const Abstract& a : group) {
        html += "<h2>" + escape_html(a.title) + "</h2><p>" + escape_html(a.text) + "</p>";
      }
      return {stem + ".html", html + "</main></body></html>"};
    }
    case 3: {
      std::string md;
      for (const Abstract& a : group) md += "## " + a.title + "\n\n" + a.text + "\n\n";
      return {stem + ".md", md};
    }
    default: {
      std::string text;
      for (const Abstract& a : group) text += a.title + "\n\n" + a.text + "\n\n";
      return {stem + ".txt", text};
    }
  }
}

double seconds_since(Steady::time_point start) {
  return std::chrono::duration<double>(Steady::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--corpus") options.corpus = argv[i + 1];
    if (flag == "--files") options.files = std::stoi(argv[i + 1]);
    if (flag == "--parley") options.parley_binary = argv[i + 1];
    if (flag == "--dir") options.dir = argv[i + 1];
  }
  auto corpus = read_corpus(options.corpus);
  if (corpus.empty()) {
    std::fprintf(stderr, "bench_ingest: no abstracts in %s\n", options.corpus.c_str());
    return 1;
  }
  constexpr size_t kPerFile = 40;
  std::vector<std::pair<std::string, std::string>> files;
  int64_t file_bytes = 0;
  for (int i = 0; i < options.files; ++i) {
    std::vector<Abstract> group;
    for (size_t j = 0; j < kPerFile; ++j)
      group.push_back(corpus[(i * kPerFile + j) % corpus.size()]);
    files.push_back(make_file(i, group));
    file_bytes += static_cast<int64_t>(files.back().second.size());
  }
  const double megabytes = static_cast<double>(file_bytes) / (1024 * 1024);

  // Baseline: the extraction and chunking work alone.
  auto start = Steady::now();
  int64_t baseline_chunks = 0;
  for (const auto& [name, bytes] : files) {
    auto document = extract_document(bytes, name, {});
    if (!document) {
      std::fprintf(stderr, "bench_ingest: %s: %s\n", name.c_str(),
                   document.error().message.c_str());
      return 1;
    }
    baseline_chunks += static_cast<int64_t>(chunk_document(*document, {}, "").size());
  }
  const double baseline_seconds = seconds_since(start);

  // Parley: the whole path into a durable SQLite store.
  fs::path dir = options.dir.empty() ? fs::temp_directory_path() / "parley-bench-ingest"
                                     : fs::path(options.dir);
  fs::remove_all(dir);
  fs::create_directories(dir);
  SystemClock clock;
  auto store = Store::open({dir, "", 1}, clock).value();
  auto keyring = Keyring::open(dir / "keyring", std::vector<uint8_t>(32, 7)).value();
  AuthConfig auth;
  auth.argon2_ops = 1;
  auth.argon2_mem_kib = 8;
  AccountService accounts({*store, *keyring, clock, auth});
  auto owner =
      accounts.create_verified_owner("bench@example.com", "correct horse battery", "Bench", false)
          .value();
  Config config;
  Log log(LogLevel::warn);
  KnowledgeBase kb({*store, *keyring, clock, config.kb, config.crawl},
                   sandboxed_extractor(fs::absolute(options.parley_binary).string(), config.kb),
                   log);
  BotInput bot_input;
  bot_input.name = "bench";
  auto bot = kb.bots.create(owner.workspace_id, bot_input, Actor::user(owner.user_id)).value();

  start = Steady::now();
  std::vector<std::string> ids;
  for (const auto& [name, bytes] : files) {
    auto source =
        kb.sources.add_file(owner.workspace_id, bot.id, {name, bytes}, Actor::user(owner.user_id));
    if (!source) {
      std::fprintf(stderr, "bench_ingest: %s: %s\n", name.c_str(), source.error().message.c_str());
      return 1;
    }
    ids.push_back(source->id);
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < config.kb.ingest_workers; ++t) {
    threads.emplace_back([&kb] {
      while (kb.worker.run_one()) {
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const double parley_seconds = seconds_since(start);
  int64_t chunks = 0;
  int failed = 0;
  for (const std::string& id : ids) {
    auto source = kb.sources.get(owner.workspace_id, bot.id, id).value();
    chunks += source.chunk_count;
    failed += source.status != "ready";
  }

  json::object out{{"files", options.files},
                   {"megabytes", megabytes},
                   {"baseline_mb_per_s", megabytes / baseline_seconds},
                   {"parley_mb_per_s", megabytes / parley_seconds},
                   {"parley_share_of_baseline", baseline_seconds / parley_seconds},
                   {"baseline_chunks", baseline_chunks},
                   {"parley_chunks", chunks},
                   {"failed_sources", failed}};
  std::printf("%s\n", json::serialize(out).c_str());
  kb.worker.stop();
  fs::remove_all(dir);
  return failed == 0 ? 0 : 1;
}
