// What bench_answer measures per question, and the summary it prints as JSON.
#pragma once

#include <string>
#include <vector>

#include "wikiqa.h"

namespace parley::bench {

// One question's answer as a bot gave it (in-process or through the chat API).
struct BotTurn {
  std::string text;
  bool fallback = false;
  double confidence = 0;
  std::vector<std::string> passage_ids;  // document ids of the passages retrieved
  double latency_us = 0;
};

struct AnswerOutcome {
  bool answerable = false;
  bool fallback = false;
  bool right = false;               // the text holds a right sentence whole
  bool first_right = false;         // ... as its first sentence
  bool document_retrieved = false;  // the question's document among the passages given
  size_t words = 0;                 // of the answer, when not a fallback
  double confidence = 0;
  double latency_us = 0;  // the answerer alone
};

struct ReportContext {
  std::string dataset;
  std::string answerer;  // its configuration, as text
  size_t passages = 0;   // retrieved per question
  double retrieval_us_mean = 0;
};

// Right when the text holds a Label-1 sentence whole (whitespace normalized); a fallback
// is never right.
AnswerOutcome judge(const WikiQaQuestion& question, const BotTurn& turn);

std::string report_json(const ReportContext& context, const std::vector<AnswerOutcome>& outcomes);

}  // namespace parley::bench
