#include "answer_report.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "search/sentence_splitter.h"

namespace parley::bench {
namespace {

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

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", value);
  return buffer;
}

double share(size_t part, size_t whole) {
  return whole == 0 ? 0 : static_cast<double>(part) / static_cast<double>(whole);
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t index = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

double mean(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return values.empty() ? 0 : sum / static_cast<double>(values.size());
}

std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

AnswerOutcome judge(const WikiQaQuestion& question, const BotTurn& turn) {
  AnswerOutcome o;
  o.answerable = !question.right_sentences.empty();
  o.fallback = turn.fallback;
  o.confidence = turn.confidence;
  o.latency_us = turn.latency_us;
  for (const std::string& id : turn.passage_ids) o.document_retrieved |= id == question.document_id;
  if (o.fallback) return o;
  std::string text = collapse_whitespace(turn.text);
  std::string first = first_sentence(text);
  o.words = word_count(text);
  for (const std::string& sentence : question.right_sentences) {
    std::string want = collapse_whitespace(sentence);
    o.right |= text.find(want) != std::string::npos;
    o.first_right |= first.find(want) != std::string::npos;
  }
  return o;
}

std::string report_json(const ReportContext& context, const std::vector<AnswerOutcome>& outcomes) {
  size_t answerable = 0, unanswerable = 0, right = 0, first_right = 0, retrieved = 0;
  size_t fallback_answerable = 0, fallback_unanswerable = 0;
  std::vector<double> words, latency;
  for (const AnswerOutcome& o : outcomes) {
    latency.push_back(o.latency_us);
    if (!o.answerable) {
      ++unanswerable;
      fallback_unanswerable += o.fallback;
      continue;
    }
    ++answerable;
    right += o.right;
    first_right += o.first_right;
    retrieved += o.document_retrieved;
    fallback_answerable += o.fallback;
    if (!o.fallback) words.push_back(static_cast<double>(o.words));
  }
  std::string json = "{\n";
  json += "  \"dataset\": \"" + escaped(context.dataset) + "\",\n";
  json += "  \"answerer\": \"" + escaped(context.answerer) + "\",\n";
  json += "  \"passages_per_question\": " + std::to_string(context.passages) + ",\n";
  json += "  \"answerable_questions\": " + std::to_string(answerable) + ",\n";
  json += "  \"unanswerable_questions\": " + std::to_string(unanswerable) + ",\n";
  json += "  \"right\": " + number(share(right, answerable)) + ",\n";
  json += "  \"first_sentence_right\": " + number(share(first_right, answerable)) + ",\n";
  json += "  \"document_retrieved\": " + number(share(retrieved, answerable)) + ",\n";
  json += "  \"answer_words_mean\": " + number(mean(words)) + ",\n";
  json += "  \"answer_words_p90\": " + number(percentile(words, 0.9)) + ",\n";
  json +=
      "  \"fallback_rate_answerable\": " + number(share(fallback_answerable, answerable)) + ",\n";
  json +=
      "  \"fallback_rate_unanswerable\": " + number(share(fallback_unanswerable, unanswerable)) +
      ",\n";
  json += "  \"answer_latency_us\": {\"mean\": " + number(mean(latency)) +
          ", \"p50\": " + number(percentile(latency, 0.5)) +
          ", \"p99\": " + number(percentile(latency, 0.99)) + "},\n";
  json += "  \"retrieval_latency_us_mean\": " + number(context.retrieval_us_mean) + "\n";
  json += "}\n";
  return json;
}

}  // namespace parley::bench
