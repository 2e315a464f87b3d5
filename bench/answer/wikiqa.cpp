#include "wikiqa.h"

#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace parley::bench {
namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, '\t')) fields.push_back(field);
  return fields;
}

}  // namespace

WikiQa load_wikiqa(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  WikiQa out;
  std::map<std::string, size_t> documents, questions;
  std::map<std::string, bool> sentence_seen;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto f = split_tabs(line);
    if (f.size() != 7) throw std::runtime_error("malformed row in " + path + ": " + line);
    auto [doc, new_doc] = documents.emplace(f[2], out.documents.size());
    if (new_doc) out.documents.push_back(WikiQaDocument{f[2], f[3], {}});
    if (!sentence_seen[f[4]]) {  // a document's sentences repeat for each of its questions
      sentence_seen[f[4]] = true;
      out.documents[doc->second].sentences.push_back(f[5]);
    }
    auto [question, new_question] = questions.emplace(f[0], out.questions.size());
    if (new_question) out.questions.push_back(WikiQaQuestion{f[0], f[1], f[2], {}});
    if (f[6] == "1") out.questions[question->second].right_sentences.push_back(f[5]);
  }
  return out;
}

}  // namespace parley::bench
