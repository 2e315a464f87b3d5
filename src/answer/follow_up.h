// Follow-up questions ("and how much does it cost?") made whole with the conversation's
// earlier questions, for retrieval and for the answerer. The chat service calls
// retrieval_query() before searching, then hands the same history to the answerer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "answer/answer_types.h"
#include "search/analyzer.h"

namespace parley {

struct ResolvedQuestion {
  std::string text;                  // the question, plus carried words when a follow-up
  std::vector<std::string> carried;  // the words taken from earlier questions (surface form)
};

// A question is a follow-up when there was an earlier question and it opens like one
// ("and ...", "what about ...", "also ..."), leans on a pronoun ("it", "they", "this"...),
// or has at most one content word of its own. A follow-up carries the content words of the
// previous visitor question (itself resolved the same way) that it does not already have.
ResolvedQuestion resolve_question(std::string_view question, const std::vector<Turn>& history,
                                  const Analyzer& analyzer);

// The text to search with for `question` in that conversation.
std::string retrieval_query(std::string_view question, const std::vector<Turn>& history,
                            const Analyzer& analyzer);

}  // namespace parley
