// bench_answer: answer quality of the extractive answerer on WikiQA (issue 6). Every
// document becomes one chunk of a bot's SearchIndex (title + its sentences as a paragraph);
// each question is retrieved and answered as chat would; an answer is right when its text
// holds a Label-1 sentence whole. Prints JSON (see docs/PERFORMANCE.md).
//
//   bench_answer [--dataset dev.tsv] [--passages 5] [--threshold 0.35] [--set name=value]...
//   [--dump] [--api PARLEY_BINARY [--server-env NAME=VALUE]...] [--limit N]
// --dump writes one line per question to stderr (id, answerable, right, confidence, text).
// --api asks the real binary instead (api_bot.h): the documents become text sources of a bot
// (ingested and chunked as any source is), each question is a new conversation through
// POST /api/v1/bots/{bot_id}/chat, and the latency is the whole chat request over HTTP.
// --passages then only says how many search hits count as retrieved, and --set is refused
// (the answerer's options are the binary's); --server-env sets the binary's configuration,
// e.g. PARLEY_KB_CHUNK_TARGET_CHARS=100000 makes each document one chunk, as in the library
// run. --limit N asks the first N questions only.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>

#include "answer/extractive_answerer.h"
#include "answer/follow_up.h"
#include "search/sentence_splitter.h"
#include "answer_report.h"
#include "api_bot.h"
#include "search/analyzer.h"
#include "search/search_index.h"
#include "wikiqa.h"

namespace parley::bench {
namespace {

using Clock = std::chrono::steady_clock;

double micros_since(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

// The bot: its index and the passages behind it, as the chat service would hold them.
class Bot {
 public:
  Bot(const WikiQa& data, std::shared_ptr<const Analyzer> analyzer, AnswererOptions options)
      : analyzer_(analyzer), index_(analyzer), answerer_(analyzer, options) {
    for (const WikiQaDocument& doc : data.documents) {
      std::string body;
      for (const std::string& sentence : doc.sentences) {
        if (!body.empty()) body += ' ';
        body += sentence;
      }
      index_.add(ChunkText{doc.id, doc.id, doc.title, "", body, ""});
      Passage passage;
      passage.chunk_id = doc.id;
      passage.source = PassageSource{doc.id, doc.id, doc.title, std::nullopt, std::nullopt};
      passage.text = std::move(body);
      passages_.emplace(doc.id, std::move(passage));
    }
  }

  struct Turn {
    BotTurn asked;  // its latency: the answerer alone
    double retrieval_us = 0;
  };

  // One chat turn, extractive: retrieve with the resolved question, then answer, as the chat
  // service does (bench_answer --api asks the chat API instead: api_bot.h).
  Turn ask(const std::string& question, size_t passages, double threshold) const {
    Turn turn;
    AnswerRequest request;
    request.question = question;
    request.settings.confidence_threshold = threshold;
    auto start = Clock::now();
    SearchOptions options;
    options.limit = passages;
    for (const SearchHit& hit : index_.search(retrieval_query(question, {}, *analyzer_), options)) {
      Passage passage = passages_.at(hit.chunk_id);
      passage.score = hit.score;
      turn.asked.passage_ids.push_back(hit.chunk_id);
      request.passages.push_back(std::move(passage));
    }
    turn.retrieval_us = micros_since(start);
    start = Clock::now();
    Answer answer = answerer_.answer(request);
    turn.asked.latency_us = micros_since(start);
    turn.asked.text = std::move(answer.text);
    turn.asked.fallback = answer.fallback;
    turn.asked.confidence = answer.confidence;
    return turn;
  }

 private:
  std::shared_ptr<const Analyzer> analyzer_;
  SearchIndex index_;
  ExtractiveAnswerer answerer_;
  std::unordered_map<std::string, Passage> passages_;
};

// --set name=value: an answerer option, for tuning.
bool set_option(AnswererOptions& options, std::string_view assignment) {
  size_t eq = assignment.find('=');
  if (eq == std::string_view::npos) return false;
  std::string name(assignment.substr(0, eq));
  double value = std::stod(std::string(assignment.substr(eq + 1)));
  std::unordered_map<std::string, double*> doubles = {
      {"coverage", &options.weights.coverage},
      {"context", &options.weights.context},
      {"proximity", &options.weights.proximity},
      {"position", &options.weights.position},
      {"rank", &options.weights.rank},
      {"type", &options.weights.type},
      {"idf_power", &options.weights.idf_power},
      {"extra_sentence_ratio", &options.extra_sentence_ratio},
      {"strong_coverage", &options.strong_coverage},
      {"qa_min_similarity", &options.qa_min_similarity}};
  std::unordered_map<std::string, size_t*> sizes = {{"max_passages", &options.weights.max_passages},
                                                    {"max_sentences", &options.max_sentences},
                                                    {"max_words", &options.max_words}};
  if (name == "adjacent_extras") {
    options.adjacent_extras = value != 0;
  } else if (name == "extras_from_same_passage") {
    options.extras_from_same_passage = value != 0;
  } else if (name == "extras_need_new_terms") {
    options.extras_need_new_terms = value != 0;
  } else if (auto it = doubles.find(name); it != doubles.end()) {
    *it->second = value;
  } else if (auto it = sizes.find(name); it != sizes.end()) {
    *it->second = static_cast<size_t>(value);
  } else {
    return false;
  }
  return true;
}

int run(int argc, char** argv) {
  std::string dataset = BENCH_ANSWER_DEFAULT_DATASET;
  size_t passages = 5;
  double threshold = 0.35;
  bool dump = false;
  std::string api_binary;
  size_t limit = SIZE_MAX;
  std::map<std::string, std::string> server_env;
  AnswererOptions options;
  std::string described;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--dataset" && i + 1 < argc) {
      dataset = argv[++i];
    } else if (arg == "--passages" && i + 1 < argc) {
      passages = std::stoul(argv[++i]);
    } else if (arg == "--threshold" && i + 1 < argc) {
      threshold = std::stod(argv[++i]);
    } else if (arg == "--set" && i + 1 < argc) {
      if (!set_option(options, argv[++i])) {
        std::cerr << "unknown option " << argv[i] << "\n";
        return 2;
      }
      described += std::string(" ") + argv[i];
    } else if (arg == "--dump") {
      dump = true;
    } else if (arg == "--api" && i + 1 < argc) {
      api_binary = argv[++i];
    } else if (arg == "--server-env" && i + 1 < argc) {
      std::string assignment = argv[++i];
      size_t eq = assignment.find('=');
      if (eq == std::string::npos) {
        std::cerr << "bench_answer: --server-env takes NAME=VALUE\n";
        return 2;
      }
      server_env[assignment.substr(0, eq)] = assignment.substr(eq + 1);
    } else if (arg == "--limit" && i + 1 < argc) {
      limit = std::stoul(argv[++i]);
    } else {
      std::cerr << "usage: bench_answer [--dataset dev.tsv] [--passages N] [--threshold T] "
                   "[--dump] [--api PARLEY_BINARY [--server-env NAME=VALUE]...] [--limit N]\n";
      return 2;
    }
  }
  if (!api_binary.empty() && !described.empty()) {
    std::cerr << "bench_answer: --set tunes the in-process answerer; --api uses the binary's\n";
    return 2;
  }
  WikiQa data = load_wikiqa(dataset);
  if (data.questions.size() > limit) data.questions.resize(limit);
  std::unique_ptr<Bot> bot;
  std::unique_ptr<ApiBot> api_bot;
  if (api_binary.empty()) {
    bot = std::make_unique<Bot>(data, std::make_shared<const Analyzer>("en"), options);
  } else {
    api_bot = std::make_unique<ApiBot>(api_binary, data, threshold, server_env);
  }
  std::vector<AnswerOutcome> outcomes;
  double retrieval_us = 0;
  for (const WikiQaQuestion& question : data.questions) {
    BotTurn turn;
    if (bot) {
      Bot::Turn asked = bot->ask(question.text, passages, threshold);
      retrieval_us += asked.retrieval_us;
      turn = std::move(asked.asked);
    } else {
      turn = api_bot->ask(question.text, passages);
    }
    outcomes.push_back(judge(question, turn));
    if (dump) {
      const AnswerOutcome& o = outcomes.back();
      std::cerr << question.id << '\t' << o.answerable << '\t' << o.right << '\t' << o.first_right
                << '\t' << o.document_retrieved << '\t' << o.confidence << '\t' << question.text
                << '\t' << turn.text << '\n';
    }
  }
  ReportContext context;
  context.dataset = dataset;
  if (api_bot) {
    context.answerer = "chat API of " + api_binary + " (" + std::to_string(api_bot->chunks()) +
                       " chunks), threshold " + std::to_string(threshold);
    for (const auto& [name, value] : server_env) context.answerer += ", " + name + "=" + value;
    context.answerer += "; latency: the chat request over HTTP";
  } else {
    context.answerer =
        "ExtractiveAnswerer defaults" + described + ", threshold " + std::to_string(threshold);
  }
  context.passages = passages;
  context.retrieval_us_mean = data.questions.empty() ? 0 : retrieval_us / data.questions.size();
  std::cout << report_json(context, outcomes);
  return 0;
}

}  // namespace
}  // namespace parley::bench

int main(int argc, char** argv) { return parley::bench::run(argc, argv); }
