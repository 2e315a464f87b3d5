// Whether a visitor's message asks for a person ("talk to a human", "echter Mensch",
// "parler à un conseiller"...), in the bot's languages. Called by the chat service before
// it answers: such a message hands the conversation to the agents instead.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace parley {

// `languages`: ISO 639-1 codes; English is always understood.
bool asks_for_human(std::string_view message, const std::vector<std::string>& languages);

}  // namespace parley
