// Retrieval results as the answerer takes them: kb/search_service.h hits become
// answer::Passage, Q&A chunks with their question and alternatives, a passage's chunk read
// with its neighbours. Called by the chat service between searching and answering.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "answer/answer_types.h"
#include "kb/search_service.h"

namespace parley {

std::vector<Passage> passages_from(std::vector<SearchResult> results);

// The same, each hit read in its context: the chunk joined with its neighbours
// (`neighbours`, parallel to `results`), so that a document cut in chunks reads as it was
// written (its first sentences first, a sentence's context across a cut); hits of one source
// whose contexts meet become one passage, at the better hit's place, with its chunk id and
// score; at most `limit` passages (a caller asks retrieval for more hits than it wants
// passages, since hits of one source may become one).
std::vector<Passage> passages_in_context(std::vector<SearchResult> results,
                                         const std::vector<HitNeighbours>& neighbours,
                                         size_t limit);

// `next` appended to `text`, which it follows in a source: the chunker starts a continued
// section with the end of the chunk before it (the overlap), said once here; a blank line
// between them when `text` ends a sentence, so a cut is never read as one sentence.
void append_following_chunk(std::string& text, std::string_view next);

}  // namespace parley
