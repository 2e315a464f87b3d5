// What bench_answer measures per question, and the summary it prints as JSON.
#pragma once

#include <string>
#include <vector>

namespace parley::bench {

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

std::string report_json(const ReportContext& context, const std::vector<AnswerOutcome>& outcomes);

}  // namespace parley::bench
