#include "chat/message_codec.h"

#include <boost/json.hpp>

namespace parley {
namespace json = boost::json;
namespace {

std::string row_binding(const MessageRow& row) { return row.conversation_id + "/" + row.id; }

json::value optional_json(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return json::value(*text);
}

std::string citations_json(const std::vector<Citation>& citations) {
  json::array out;
  for (const Citation& c : citations) {
    json::object source{{"id", c.source.id},
                        {"external_id", optional_json(c.source.external_id)},
                        {"title", c.source.title},
                        {"url", optional_json(c.source.url)}};
    if (c.source.page) source["page"] = *c.source.page;
    out.push_back(
        json::object{{"n", c.n}, {"source", std::move(source)}, {"chunk_id", c.chunk_id}});
  }
  return json::serialize(out);
}

std::optional<std::string> optional_from(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  if (!value || !value->is_string()) return std::nullopt;
  return std::string(value->as_string());
}

Result<std::vector<Citation>> citations_from(std::string_view text) {
  boost::system::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_array()) {
    return make_error(ErrorCode::internal, "a stored message's citations are damaged");
  }
  std::vector<Citation> citations;
  for (const json::value& item : parsed.as_array()) {
    if (!item.is_object()) continue;
    const json::object& object = item.as_object();
    Citation citation;
    if (const auto* n = object.if_contains("n"); n && n->is_int64()) {
      citation.n = static_cast<int>(n->as_int64());
    }
    citation.chunk_id = optional_from(object, "chunk_id").value_or("");
    if (const auto* source = object.if_contains("source"); source && source->is_object()) {
      const json::object& s = source->as_object();
      citation.source.id = optional_from(s, "id").value_or("");
      citation.source.external_id = optional_from(s, "external_id");
      citation.source.title = optional_from(s, "title").value_or("");
      citation.source.url = optional_from(s, "url");
      if (const auto* page = s.if_contains("page"); page && page->is_int64()) {
        citation.source.page = page->as_int64();
      }
    }
    citations.push_back(std::move(citation));
  }
  return citations;
}

}  // namespace

Status seal_message(Keyring& keyring, const std::string& key_owner, MessageRow& row,
                    std::string_view text, const std::vector<Citation>* citations) {
  const std::string binding = row_binding(row);
  auto sealed_text = keyring.seal(key_owner, {"messages", "text_sealed", binding}, text);
  if (!sealed_text) return sealed_text.error();
  row.text_sealed = std::move(*sealed_text);
  if (citations) {
    auto sealed = keyring.seal(key_owner, {"messages", "citations_sealed", binding},
                               citations_json(*citations));
    if (!sealed) return sealed.error();
    row.citations_sealed = std::move(*sealed);
  }
  return ok_status();
}

Result<OpenedMessage> open_message(const Keyring& keyring, const std::string& key_owner,
                                   const MessageRow& row) {
  const std::string binding = row_binding(row);
  OpenedMessage opened;
  auto text = keyring.open(key_owner, {"messages", "text_sealed", binding}, row.text_sealed);
  if (!text) return text.error();
  opened.text = std::move(*text);
  if (row.citations_sealed) {
    auto stored =
        keyring.open(key_owner, {"messages", "citations_sealed", binding}, *row.citations_sealed);
    if (!stored) return stored.error();
    auto citations = citations_from(*stored);
    if (!citations) return citations.error();
    opened.citations = std::move(*citations);
  }
  return opened;
}

}  // namespace parley
