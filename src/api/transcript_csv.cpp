#include "api/transcript_csv.h"

#include <cstdio>

#include "api/json_fields.h"
#include "core/csv_writer.h"

namespace parley {
namespace {

std::string citations_cell(const std::vector<Citation>& citations) {
  std::string cell;
  for (const Citation& c : citations) {
    if (!cell.empty()) cell += "; ";
    cell += std::to_string(c.n) + ": " + c.source.title;
    if (c.source.url) cell += " (" + *c.source.url + ")";
  }
  return cell;
}

std::string confidence_cell(const std::optional<double>& confidence) {
  if (!confidence) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", *confidence);
  return buf;
}

}  // namespace

std::string transcripts_csv(const std::vector<ConversationView>& conversations) {
  std::string out;
  append_csv_row(out, {"conversation_id", "visitor_id", "state", "message_id", "seq", "created_at",
                       "role", "text", "citations", "confidence", "fallback", "rating", "comment"});
  for (const ConversationView& c : conversations) {
    // A transcript lists its messages from the first, so a message's place is its seq.
    int64_t seq = 0;
    for (const ChatMessage& m : c.messages) {
      append_csv_row(
          out, {c.id, c.visitor_id, c.state, m.id, std::to_string(++seq), iso_time(m.created_at),
                m.role, m.text, citations_cell(m.citations), confidence_cell(m.confidence),
                m.fallback ? "true" : "false", m.feedback ? m.feedback->rating : "",
                m.feedback ? m.feedback->comment.value_or("") : ""});
    }
  }
  return out;
}

}  // namespace parley
