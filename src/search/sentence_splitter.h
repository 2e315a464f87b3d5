// Splits a passage into sentences for the extractive answerer: ends at . ! ? (with any
// closing quotes or brackets) before a space and a sentence start, but not after common
// abbreviations ("e.g.", "Dr.", "U.S."), initials ("J. K.") or inside decimals ("3.5").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace parley {

// The sentences of `text`, trimmed, in order; views into `text`. Text without a sentence
// end is one sentence.
std::vector<std::string_view> split_sentences(std::string_view text);

// The text with each run of spaces, tabs and line breaks made one space, none at the ends:
// how a sentence reads in an answer.
std::string collapse_whitespace(std::string_view text);

}  // namespace parley
