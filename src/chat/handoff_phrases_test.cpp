// Asking for a person, in the bot's languages, as whole words.
#include "chat/handoff_phrases.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(HandoffPhrases, EnglishIsAlwaysUnderstood) {
  EXPECT_TRUE(asks_for_human("Can I TALK TO A HUMAN please?", {}));
  EXPECT_TRUE(asks_for_human("i want a   real person", {"de"}));
  EXPECT_TRUE(asks_for_human("Live agent!", {}));
  EXPECT_FALSE(asks_for_human("How long does shipping take?", {}));
  EXPECT_FALSE(asks_for_human("Is the human resources module included?", {}));
  // Whole words only: "personal" is not "person".
  EXPECT_FALSE(asks_for_human("talk to a personal trainer", {}));
}

TEST(HandoffPhrases, OtherLanguagesWhenTheBotSpeaksThem) {
  EXPECT_TRUE(asks_for_human("Kann ich mit einem Menschen sprechen?", {"de"}));
  EXPECT_FALSE(asks_for_human("Kann ich mit einem Menschen sprechen?", {"fr"}));
  EXPECT_TRUE(asks_for_human("Je voudrais parler à un conseiller", {"fr"}));
  EXPECT_TRUE(asks_for_human("quiero hablar con una persona", {"es", "en"}));
}

}  // namespace
}  // namespace parley
