// Retrieval results as the answerer takes them: kb/search_service.h hits become
// answer::Passage, Q&A chunks with their question and alternatives. Called by the chat
// service between searching and answering.
#pragma once

#include <vector>

#include "answer/answer_types.h"
#include "kb/search_service.h"

namespace parley {

std::vector<Passage> passages_from(std::vector<SearchResult> results);

}  // namespace parley
