#include "kb/extract/document_json.h"

#include <boost/json.hpp>
#include <limits>

namespace parley {
namespace json = boost::json;
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence at text[i], or 0 when it is not one (overlong forms,
// surrogates and code points above U+10FFFF count as invalid, as Boost.JSON's parser says).
size_t utf8_sequence_length(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (length == 0 || c > 0xF4 || i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  unsigned char second = byte(i + 1);
  if (c == 0xE0 && second < 0xA0) return 0;   // overlong
  if (c == 0xED && second >= 0xA0) return 0;  // surrogate
  if (c == 0xF0 && second < 0x90) return 0;   // overlong
  if (c == 0xF4 && second >= 0x90) return 0;  // above U+10FFFF
  return length;
}

json::string valid_utf8(std::string_view text) {
  json::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      out.append(kReplacement);
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

json::array string_array(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& item : items) out.emplace_back(valid_utf8(item));
  return out;
}

const char* kind_name(BlockKind kind) {
  switch (kind) {
    case BlockKind::heading:
      return "heading";
    case BlockKind::paragraph:
      return "paragraph";
    case BlockKind::list_item:
      return "list_item";
    case BlockKind::table:
      return "table";
    case BlockKind::code:
      return "code";
  }
  return "paragraph";
}

Error bad(std::string_view field, std::string_view expected) {
  return make_error(ErrorCode::invalid_argument,
                    "document JSON: " + std::string(field) + " " + std::string(expected));
}

// Reads the optional member `key` of `object` into `out`; a wrong type is an error.
Status read(const json::object& object, std::string_view key, std::string& out) {
  const json::value* value = object.if_contains(key);
  if (!value) return ok_status();
  if (!value->is_string()) return bad(key, "must be a string");
  out = std::string(value->get_string());
  return ok_status();
}

Status read(const json::object& object, std::string_view key, int& out) {
  const json::value* value = object.if_contains(key);
  if (!value) return ok_status();
  if (!value->is_int64() || value->get_int64() < 0 ||
      value->get_int64() > std::numeric_limits<int>::max()) {
    return bad(key, "must be a whole number from 0");
  }
  out = static_cast<int>(value->get_int64());
  return ok_status();
}

Status read(const json::object& object, std::string_view key, bool& out) {
  const json::value* value = object.if_contains(key);
  if (!value) return ok_status();
  if (!value->is_bool()) return bad(key, "must be true or false");
  out = value->get_bool();
  return ok_status();
}

Status read(const json::object& object, std::string_view key, std::vector<std::string>& out) {
  const json::value* value = object.if_contains(key);
  if (!value) return ok_status();
  if (!value->is_array()) return bad(key, "must be a list of strings");
  for (const auto& item : value->get_array()) {
    if (!item.is_string()) return bad(key, "must be a list of strings");
    out.emplace_back(item.get_string());
  }
  return ok_status();
}

Result<BlockKind> parse_kind(std::string_view name) {
  for (BlockKind kind : {BlockKind::heading, BlockKind::paragraph, BlockKind::list_item,
                         BlockKind::table, BlockKind::code}) {
    if (name == kind_name(kind)) return kind;
  }
  return bad("blocks[].kind", "must be heading, paragraph, list_item, table or code");
}

Result<Block> read_block(const json::value& value) {
  if (!value.is_object()) return bad("blocks[]", "must be objects");
  const json::object& object = value.get_object();
  Block block;
  std::string kind = "paragraph";
  for (const Status& status :
       {read(object, "kind", kind), read(object, "level", block.level),
        read(object, "text", block.text), read(object, "page", block.page)}) {
    if (!status.ok()) return status.error();
  }
  auto parsed = parse_kind(kind);
  if (!parsed) return parsed.error();
  block.kind = *parsed;
  return block;
}

Result<QaPair> read_qa_pair(const json::value& value) {
  if (!value.is_object()) return bad("qa_pairs[]", "must be objects");
  const json::object& object = value.get_object();
  QaPair pair;
  for (const Status& status :
       {read(object, "question", pair.question), read(object, "answer", pair.answer),
        read(object, "alternatives", pair.alternatives)}) {
    if (!status.ok()) return status.error();
  }
  return pair;
}

}  // namespace

json::object document_to_json_object(const Document& doc) {
  json::array blocks;
  blocks.reserve(doc.blocks.size());
  for (const auto& block : doc.blocks) {
    blocks.emplace_back(json::object{{"kind", kind_name(block.kind)},
                                     {"level", block.level},
                                     {"text", valid_utf8(block.text)},
                                     {"page", block.page}});
  }
  json::array qa_pairs;
  for (const auto& pair : doc.qa_pairs) {
    qa_pairs.emplace_back(json::object{{"question", valid_utf8(pair.question)},
                                       {"answer", valid_utf8(pair.answer)},
                                       {"alternatives", string_array(pair.alternatives)}});
  }
  return json::object{{"title", valid_utf8(doc.title)},
                      {"language", valid_utf8(doc.language)},
                      {"canonical_url", valid_utf8(doc.canonical_url)},
                      {"blocks", std::move(blocks)},
                      {"qa_pairs", std::move(qa_pairs)},
                      {"links", string_array(doc.links)},
                      {"noindex", doc.noindex},
                      {"nofollow", doc.nofollow},
                      {"page_count", doc.page_count}};
}

std::string document_to_json(const Document& doc) {
  return json::serialize(document_to_json_object(doc));
}

Result<Document> document_from_json(const json::value& value) {
  if (!value.is_object()) return bad("document", "must be an object");
  const json::object& object = value.get_object();
  Document doc;
  for (const Status& status :
       {read(object, "title", doc.title), read(object, "language", doc.language),
        read(object, "canonical_url", doc.canonical_url), read(object, "links", doc.links),
        read(object, "noindex", doc.noindex), read(object, "nofollow", doc.nofollow),
        read(object, "page_count", doc.page_count)}) {
    if (!status.ok()) return status.error();
  }
  if (const json::value* blocks = object.if_contains("blocks")) {
    if (!blocks->is_array()) return bad("blocks", "must be a list");
    for (const auto& item : blocks->get_array()) {
      auto block = read_block(item);
      if (!block) return block.error();
      doc.blocks.push_back(std::move(*block));
    }
  }
  if (const json::value* pairs = object.if_contains("qa_pairs")) {
    if (!pairs->is_array()) return bad("qa_pairs", "must be a list");
    for (const auto& item : pairs->get_array()) {
      auto pair = read_qa_pair(item);
      if (!pair) return pair.error();
      doc.qa_pairs.push_back(std::move(*pair));
    }
  }
  return doc;
}

Result<Document> document_from_json(std::string_view text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec) return bad("text", "is not valid JSON (" + ec.message() + ")");
  return document_from_json(value);
}

}  // namespace parley
