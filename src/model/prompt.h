// The grounded prompt of the generative answerer: a system message (the bot's persona plus
// the rule to answer only from the numbered passages, cite them as [n], and say so when
// they do not hold the answer), the newest conversation turns that fit a token budget, and
// last a user message with the numbered passages and the question.
//
// Budget, in estimated tokens (estimate_tokens): the rules and the question are never cut;
// the bot's instructions are cut to `max_instruction_tokens`. Passages come next, best
// first, in what is left after keeping `history_reserve_tokens` for the history (or less,
// when the history is shorter); a passage that does not fit whole is cut at a word
// boundary, the rest dropped; but passages always get `passage_floor_tokens`, even past
// the budget. The history then gets whatever the budget still has: whole turns, newest
// first, stopping at the first that does not fit, so what is kept is the latest stretch
// of the conversation.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/chat_types.h"

namespace parley {

struct PromptPassage {
  std::string title;
  std::string url;  // or a page reference; may be empty
  std::string text;
};

struct PromptInput {
  std::string instructions;             // the bot's persona; may be empty
  std::vector<PromptPassage> passages;  // best first; numbered from 1 in this order
  std::vector<ModelMessage> history;     // earlier turns, oldest first: "user"/"assistant"
  std::string question;
};

struct PromptBudget {
  size_t max_prompt_tokens = 3000;  // the model's context less its answer's max_tokens
  size_t max_instruction_tokens = 600;
  size_t passage_floor_tokens = 800;
  size_t history_reserve_tokens = 600;
};

struct Prompt {
  std::vector<ModelMessage> messages;  // system, history..., user (passages + question)
  size_t estimated_tokens = 0;
  size_t passages_kept = 0;  // whole or cut
  size_t history_kept = 0;   // turns
};

Prompt build_grounded_prompt(const PromptInput& input, const PromptBudget& budget = {});

// Tokens of `text` as models count them, roughly and from above: a token per 4 ASCII
// characters, a token per other character (CJK runs near one per character; accented
// Latin is over-counted, which only keeps the budget safe).
size_t estimate_tokens(std::string_view text);

// The tokens a message costs: its content and a few for the role and framing.
size_t estimate_tokens(const ModelMessage& message);

}  // namespace parley
