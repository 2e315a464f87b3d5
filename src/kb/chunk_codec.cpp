#include "kb/chunk_codec.h"

#include <boost/json.hpp>

namespace parley {
namespace json = boost::json;
namespace {

// The row a body is bound to: its source and content hash, the chunk's unique key.
std::string body_row(const std::string& source_id, const std::string& content_hash) {
  return source_id + "/" + content_hash;
}

json::array to_array(const std::vector<std::string>& items) {
  json::array out;
  for (const std::string& item : items) out.emplace_back(item);
  return out;
}

std::vector<std::string> from_array(const json::value* value) {
  std::vector<std::string> out;
  if (value && value->is_array()) {
    for (const json::value& item : value->as_array()) {
      if (item.is_string()) out.emplace_back(item.as_string());
    }
  }
  return out;
}

std::string text_of(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

}  // namespace

Result<Bytes> seal_chunk_body(Keyring& keyring, const std::string& workspace_id,
                              const std::string& source_id, const std::string& content_hash,
                              const ChunkBody& body) {
  json::object object{{"text", body.text},
                      {"title", body.title},
                      {"headings", to_array(body.headings)},
                      {"url", body.url},
                      {"page", body.page}};
  if (!body.question.empty()) {
    object["question"] = body.question;
    object["alternatives"] = to_array(body.alternatives);
  }
  const std::string row = body_row(source_id, content_hash);
  return keyring.seal(workspace_id, {"chunks", "body_sealed", row}, json::serialize(object));
}

Result<ChunkBody> open_chunk_body(const Keyring& keyring, const std::string& workspace_id,
                                  const ChunkRow& row) {
  const std::string bound_to = body_row(row.source_id, row.content_hash);
  auto plain = keyring.open(workspace_id, {"chunks", "body_sealed", bound_to}, row.body_sealed);
  if (!plain) return plain.error();
  boost::system::error_code ec;
  json::value value = json::parse(*plain, ec);
  if (ec || !value.is_object()) {
    return make_error(ErrorCode::internal, "chunk " + row.id + " has an unreadable body");
  }
  const json::object& object = value.as_object();
  ChunkBody body;
  body.text = text_of(object, "text");
  body.title = text_of(object, "title");
  body.headings = from_array(object.if_contains("headings"));
  body.url = text_of(object, "url");
  if (const json::value* page = object.if_contains("page"); page && page->is_int64()) {
    body.page = page->as_int64();
  }
  body.question = text_of(object, "question");
  body.alternatives = from_array(object.if_contains("alternatives"));
  return body;
}

}  // namespace parley
