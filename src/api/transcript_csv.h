// Transcripts as CSV, one row per message (GET /bots/{bot_id}/conversations/export?
// format=csv): conversation, visitor, state, message, seq, time, role, text, citations
// ("n: title (url)" joined by "; "), confidence, fallback, rating and comment. Cells are
// quoted and disarmed by core/csv_writer.h.
#pragma once

#include <string>
#include <vector>

#include "chat/chat_types.h"

namespace parley {

std::string transcripts_csv(const std::vector<ConversationView>& conversations);

}  // namespace parley
