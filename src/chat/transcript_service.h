// Transcripts read back: one conversation with its messages, citations and feedback; a
// bot's conversations listed newest first, filtered by state and searched by words
// (opened and matched here, since the text is sealed per visitor); and all of a bot's
// transcripts for export. Called by the transcript routes.
#pragma once

#include <string>
#include <vector>

#include "chat/analyzers.h"
#include "chat/chat_types.h"
#include "kb/kb_context.h"
#include "store/conversations_repo.h"

namespace parley {

struct TranscriptOptions {
  int max_messages_shown = 1000;  // a transcript shows at most this many messages
  // A search opens at most this many conversations per page: a page may then hold fewer
  // than its limit and still have a next_cursor, from which the scan goes on.
  int max_searched = 500;
  int max_exported = 10000;  // conversations in one export, newest first
};

// Initialized members, so that tests may give the first ones only.
struct TranscriptQuery {
  std::string q{};       // words every found conversation holds; empty: all
  std::string state{};   // one of kConversationStates; empty: all
  std::string cursor{};  // a next_cursor
  int limit = 50;
};

struct TranscriptExport {
  std::vector<ConversationView> conversations;  // newest first, with messages
  bool truncated = false;                       // more than max_exported exist
};

// open, waiting_for_human, with_agent, closed.
extern const std::vector<std::string> kConversationStates;

class TranscriptService {
 public:
  explicit TranscriptService(KbContext context, TranscriptOptions options = {})
      : ctx_(context), options_(options) {}

  // One conversation with its messages, opened, each rated answer with its feedback.
  // not_found outside the workspace.
  Result<ConversationView> get(std::string_view workspace_id, std::string_view conversation_id);

  // A bot's conversations, newest first, without their messages. invalid_argument for an
  // unknown state or a bad cursor.
  Result<ConversationPage> list(std::string_view workspace_id, std::string_view bot_id,
                                const TranscriptQuery& query);

  // Every transcript of the bot (up to max_exported), with messages and feedback.
  // Conversations of erased visitors are left out.
  Result<TranscriptExport> export_all(std::string_view workspace_id, std::string_view bot_id);

 private:
  struct Batch;
  Result<Batch> read_batch(std::string_view workspace_id, std::string_view bot_id,
                           std::string_view state, std::string_view before_id, int count,
                           bool with_messages);
  Result<ConversationPage> search(std::string_view workspace_id, std::string_view bot_id,
                                  const TranscriptQuery& query);

  KbContext ctx_;
  TranscriptOptions options_;
  AnalyzerCache analyzers_;
};

// A conversation's row as a view without its messages (a list entry).
ConversationView summary_of(const ConversationRow& row);

}  // namespace parley
