// WikiQA in its TSV form (QuestionID Question DocumentID DocumentTitle SentenceID Sentence
// Label): the documents as paragraphs and the questions with their right sentences.
#pragma once

#include <string>
#include <vector>

namespace parley::bench {

struct WikiQaDocument {
  std::string id;
  std::string title;
  std::vector<std::string> sentences;  // in order
};

struct WikiQaQuestion {
  std::string id;
  std::string text;
  std::string document_id;
  std::vector<std::string> right_sentences;  // Label 1; empty: unanswerable
};

struct WikiQa {
  std::vector<WikiQaDocument> documents;
  std::vector<WikiQaQuestion> questions;
};

// Throws std::runtime_error when the file cannot be read or a row is malformed.
WikiQa load_wikiqa(const std::string& path);

}  // namespace parley::bench
