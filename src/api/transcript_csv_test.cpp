// The CSV export of transcripts: a header, one row per message in order, citations and
// feedback in their columns, and cells a spreadsheet would misread quoted or disarmed.
#include "api/transcript_csv.h"

#include <gtest/gtest.h>

namespace parley {
namespace {

TEST(TranscriptCsv, OneRowPerMessageWithCitationsFeedbackAndEscaping) {
  Citation shipping;
  shipping.n = 1;
  shipping.source.title = "Shipping, worldwide";
  shipping.source.url = "https://example.com/shipping";
  Citation faq;
  faq.n = 2;
  faq.source.title = "FAQ";
  ConversationView c{"cnv_1", "bot_1", "vis_1", "closed", 2, 0, 0, {}};
  c.messages.push_back({"msg_1", "visitor", "=SUM(A1:A9)", {}, std::nullopt, false, 0});
  ChatMessage answer{"msg_2", "bot", "He said \"5 days\",\nthen left [1][2]", {shipping, faq},
                     0.8126, false, 1000};
  answer.feedback = MessageFeedback{"down", std::string("@admin -1")};
  c.messages.push_back(answer);
  ConversationView empty{"cnv_2", "bot_1", "vis_2", "open", 0, 0, 0, {}};

  EXPECT_EQ(transcripts_csv({c, empty}),
            "conversation_id,visitor_id,state,message_id,seq,created_at,role,text,citations,"
            "confidence,fallback,rating,comment\r\n"
            "cnv_1,vis_1,closed,msg_1,1,1970-01-01T00:00:00Z,visitor,'=SUM(A1:A9),,,false,,\r\n"
            "cnv_1,vis_1,closed,msg_2,2,1970-01-01T00:00:01Z,bot,"
            "\"He said \"\"5 days\"\",\nthen left [1][2]\","
            "\"1: Shipping, worldwide (https://example.com/shipping); 2: FAQ\","
            "0.813,false,down,'@admin -1\r\n");
}

TEST(TranscriptCsv, NoConversationsIsTheHeaderAlone) {
  EXPECT_EQ(transcripts_csv({}),
            "conversation_id,visitor_id,state,message_id,seq,created_at,role,text,citations,"
            "confidence,fallback,rating,comment\r\n");
}

}  // namespace
}  // namespace parley
