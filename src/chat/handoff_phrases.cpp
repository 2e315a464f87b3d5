#include "chat/handoff_phrases.h"

#include <algorithm>
#include <map>

#include "kb/extract/text.h"

namespace parley {
namespace {

// Lower-case, single-spaced phrases, matched as whole words anywhere in the message.
const std::map<std::string, std::vector<std::string>>& phrases() {
  static const std::map<std::string, std::vector<std::string>> all = {
      {"en",
       {"talk to a human",
        "speak to a human",
        "talk to a person",
        "speak to a person",
        "talk to someone",
        "speak to someone",
        "talk to an agent",
        "speak to an agent",
        "human agent",
        "live agent",
        "real person",
        "real human",
        "customer service agent",
        "a human please",
        "talk to a real",
        "speak with a human",
        "speak with a person",
        "chat with a human",
        "chat with a person",
        "talk to a representative",
        "speak to a representative"}},
      {"de",
       {"mit einem menschen", "echten menschen", "mit einem mitarbeiter", "mit einer mitarbeiterin",
        "mitarbeiter sprechen", "menschlichen ansprechpartner", "kundenberater"}},
      {"fr",
       {"parler à un humain", "parler a un humain", "parler à une personne",
        "parler a une personne", "parler à un conseiller", "parler a un conseiller",
        "un vrai humain", "agent humain"}},
      {"es",
       {"hablar con una persona", "hablar con un humano", "hablar con un agente", "agente humano",
        "persona real"}},
      {"it", {"parlare con una persona", "parlare con un operatore", "operatore umano"}},
      {"nl", {"met een mens", "met een medewerker", "echte persoon"}},
      {"pt", {"falar com uma pessoa", "falar com um humano", "falar com um atendente"}},
  };
  return all;
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return out;
}

bool is_word_char(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
         static_cast<unsigned char>(ch) >= 0x80;
}

bool contains_words(const std::string& text, const std::string& phrase) {
  for (size_t at = text.find(phrase); at != std::string::npos; at = text.find(phrase, at + 1)) {
    const size_t end = at + phrase.size();
    if ((at == 0 || !is_word_char(text[at - 1])) &&
        (end == text.size() || !is_word_char(text[end]))) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool asks_for_human(std::string_view message, const std::vector<std::string>& languages) {
  const std::string text = lower_ascii(normalize_whitespace(message));
  auto matches = [&](const std::string& language) {
    auto it = phrases().find(language);
    if (it == phrases().end()) return false;
    return std::any_of(it->second.begin(), it->second.end(),
                       [&](const std::string& phrase) { return contains_words(text, phrase); });
  };
  if (matches("en")) return true;
  return std::any_of(languages.begin(), languages.end(), [&](const std::string& language) {
    return language != "en" && matches(language);
  });
}

}  // namespace parley
