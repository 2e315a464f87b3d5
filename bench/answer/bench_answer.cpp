// bench_answer: answer quality of the extractive answerer on WikiQA (issue 6). Every
// document becomes one chunk of a bot's SearchIndex (title + its sentences as a paragraph);
// each question is retrieved and answered as chat would; an answer is right when its text
// holds a Label-1 sentence whole. Prints JSON (see docs/PERFORMANCE.md).
//
//   bench_answer [--dataset dev.tsv] [--passages 5] [--threshold 0.35] [--set name=value]...
//   [--dump]
// --dump writes one line per question to stderr (id, answerable, right, confidence, text).
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <unordered_map>

#include "answer/extractive_answerer.h"
#include "answer/follow_up.h"
#include "answer/sentence_splitter.h"
#include "answer_report.h"
#include "search/analyzer.h"
#include "search/search_index.h"
#include "wikiqa.h"

namespace parley::bench {
namespace {

using Clock = std::chrono::steady_clock;

double micros_since(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}


// The answer's first sentence: the text before its first citation marker.
std::string first_sentence(const std::string& text) {
  size_t marker = text.find(" [");
  return marker == std::string::npos ? text : text.substr(0, marker);
}

size_t word_count(const std::string& text) {
  size_t words = 0;
  bool in_word = false;
  for (char c : text) {
    bool space = c == ' ';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
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
    Answer answer;
    std::vector<std::string> passage_ids;
    double retrieval_us = 0;
    double answer_us = 0;
  };

  // One chat turn, extractive: retrieve with the resolved question, then answer. The one
  // place to swap for a call to the chat API.
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
      turn.passage_ids.push_back(hit.chunk_id);
      request.passages.push_back(std::move(passage));
    }
    turn.retrieval_us = micros_since(start);
    start = Clock::now();
    turn.answer = answerer_.answer(request);
    turn.answer_us = micros_since(start);
    return turn;
  }

 private:
  std::shared_ptr<const Analyzer> analyzer_;
  SearchIndex index_;
  ExtractiveAnswerer answerer_;
  std::unordered_map<std::string, Passage> passages_;
};

AnswerOutcome judge(const WikiQaQuestion& question, const Bot::Turn& turn) {
  AnswerOutcome o;
  o.answerable = !question.right_sentences.empty();
  o.fallback = turn.answer.fallback;
  o.confidence = turn.answer.confidence;
  o.latency_us = turn.answer_us;
  for (const std::string& id : turn.passage_ids) o.document_retrieved |= id == question.document_id;
  if (o.fallback) return o;
  std::string text = collapse_whitespace(turn.answer.text);
  std::string first = first_sentence(text);
  o.words = word_count(text);
  for (const std::string& sentence : question.right_sentences) {
    std::string want = collapse_whitespace(sentence);
    o.right |= text.find(want) != std::string::npos;
    o.first_right |= first.find(want) != std::string::npos;
  }
  return o;
}

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
    } else {
      std::cerr << "usage: bench_answer [--dataset dev.tsv] [--passages N] [--threshold T] "
                   "[--dump]\n";
      return 2;
    }
  }
  WikiQa data = load_wikiqa(dataset);
  Bot bot(data, std::make_shared<const Analyzer>("en"), options);
  std::vector<AnswerOutcome> outcomes;
  double retrieval_us = 0;
  for (const WikiQaQuestion& question : data.questions) {
    Bot::Turn turn = bot.ask(question.text, passages, threshold);
    retrieval_us += turn.retrieval_us;
    outcomes.push_back(judge(question, turn));
    if (dump) {
      const AnswerOutcome& o = outcomes.back();
      std::cerr << question.id << '\t' << o.answerable << '\t' << o.right << '\t' << o.first_right
                << '\t' << o.document_retrieved << '\t' << o.confidence << '\t' << question.text
                << '\t' << turn.answer.text << '\n';
    }
  }
  ReportContext context;
  context.dataset = dataset;
  context.answerer =
      "ExtractiveAnswerer defaults" + described + ", threshold " + std::to_string(threshold);
  context.passages = passages;
  context.retrieval_us_mean = data.questions.empty() ? 0 : retrieval_us / data.questions.size();
  std::cout << report_json(context, outcomes);
  return 0;
}

}  // namespace
}  // namespace parley::bench

int main(int argc, char** argv) { return parley::bench::run(argc, argv); }
