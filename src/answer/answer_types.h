// What an answerer takes and gives: plain structs, so that the chat service can fill them
// from the store and retrieval (kb/search_service.h), and tests can fill them by hand.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parley {

class KeptAnalyses;  // answer/passage_analysis.h

// The source a passage came from, as a citation shows it.
struct PassageSource {
  std::string id;
  std::optional<std::string> external_id;
  std::string title;
  std::optional<std::string> url;
  std::optional<int64_t> page;
};

// One retrieved chunk, best first in the list the answerer gets.
struct Passage {
  std::string chunk_id;
  PassageSource source;
  std::string text;      // a Q&A chunk: its answer
  double score = 0;      // retrieval score (BM25F or fused); only its ratio to the best is used
  std::string question;  // a Q&A chunk: its question (empty for a passage)
  std::vector<std::string> alternatives;  // a Q&A chunk: other ways to ask it
};

enum class Speaker { visitor, bot };

struct Turn {
  Speaker speaker = Speaker::visitor;
  std::string text;
};

// The bot settings an extractive answer depends on.
struct AnswerSettings {
  double confidence_threshold = 0.35;  // 0..1; below it the bot says it does not know
  std::string fallback_message;        // empty: a default sentence
};

struct AnswerRequest {
  std::string question;
  std::vector<Turn> history;  // earlier turns, oldest first, without `question`
  AnswerSettings settings;
  std::vector<Passage> passages;
  // Where the passages' analyses may be kept already (the search index's), asked before a
  // passage is analysed; null: none.
  const KeptAnalyses* kept_analyses = nullptr;
};

struct Citation {
  int n = 0;  // the marker "[n]" in the text; numbered in order of appearance from 1
  PassageSource source;
  std::string chunk_id;
};

struct Answer {
  std::string text;
  std::vector<Citation> citations;
  double confidence = 0;  // 0..1
  // Below the threshold: text is the fallback message, there are no citations, and the
  // widget should offer a human and the lead form.
  bool fallback = false;
  bool offer_human = false;
  bool offer_lead_form = false;
};

}  // namespace parley
