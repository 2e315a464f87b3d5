// What kind of answer a question asks for ("when" -> a date, "how many" -> a number, ...)
// and whether a sentence carries that kind of answer: one of the extractive answerer's
// sentence features. English cues only; other languages get AnswerType::other.
#pragma once

#include <string_view>

namespace parley {

enum class AnswerType { other, time, quantity, person, place, definition };

AnswerType answer_type_of(std::string_view question);

// Whether `sentence` holds something of that type that the question does not already say
// (a year for "when", a number for "how many"...). `question` is needed so that the name
// the question asks about does not count as the answer to "who".
bool sentence_has_answer_type(AnswerType type, std::string_view sentence,
                              std::string_view question);

}  // namespace parley
