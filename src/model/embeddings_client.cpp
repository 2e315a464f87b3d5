#include "model/embeddings_client.h"

#include <boost/json.hpp>

namespace parley {
namespace json = boost::json;
namespace {

Error malformed(std::string_view what) {
  return make_error(ErrorCode::unavailable, "embeddings endpoint: " + std::string(what));
}

}  // namespace

Result<std::vector<Embedding>> parse_embeddings_answer(std::string_view body, size_t expected) {
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec || !value.is_object()) return malformed("the answer is not a JSON object");
  const json::value* data = value.as_object().if_contains("data");
  if (!data || !data->is_array()) return malformed("the answer has no data array");
  if (data->as_array().size() != expected) {
    return malformed("asked for " + std::to_string(expected) + " vectors, got " +
                     std::to_string(data->as_array().size()));
  }
  std::vector<Embedding> out(expected);
  std::vector<bool> seen(expected, false);
  size_t position = 0;
  for (const json::value& item : data->as_array()) {
    const json::object* object = item.if_object();
    const json::value* embedding = object ? object->if_contains("embedding") : nullptr;
    if (!embedding || !embedding->is_array() || embedding->as_array().empty()) {
      return malformed("an item has no embedding");
    }
    size_t index = position++;
    if (const json::value* at = object->if_contains("index")) {
      if (!at->is_int64() && !at->is_uint64()) return malformed("an item's index is not a number");
      index = at->is_int64() ? static_cast<size_t>(at->as_int64()) : at->as_uint64();
    }
    if (index >= expected || seen[index]) return malformed("item indexes do not match the inputs");
    seen[index] = true;
    Embedding& vector = out[index];
    vector.reserve(embedding->as_array().size());
    for (const json::value& number : embedding->as_array()) {
      if (!number.is_number()) return malformed("an embedding holds something not a number");
      vector.push_back(static_cast<float>(number.to_number<double>()));
    }
    if (vector.size() != out[0].size() && !out[0].empty()) {
      return malformed("the vectors do not have the same number of dimensions");
    }
  }
  for (const Embedding& vector : out) {
    if (vector.size() != out[0].size()) {
      return malformed("the vectors do not have the same number of dimensions");
    }
  }
  return out;
}

Result<std::vector<Embedding>> EmbeddingsClient::embed_batch(const std::vector<std::string>& inputs,
                                                             size_t begin, size_t end) const {
  json::array texts;
  for (size_t i = begin; i < end; ++i) texts.emplace_back(inputs[i]);
  json::object request{{"model", http_.endpoint().model}, {"input", std::move(texts)}};
  auto body = http_.post_json("embeddings", json::serialize(request));
  if (!body) return body.error();
  return parse_embeddings_answer(*body, end - begin);
}

Result<std::vector<Embedding>> EmbeddingsClient::embed(
    const std::vector<std::string>& inputs) const {
  std::vector<Embedding> out;
  out.reserve(inputs.size());
  for (size_t begin = 0; begin < inputs.size(); begin += batch_size_) {
    const size_t end = std::min(inputs.size(), begin + batch_size_);
    auto batch = embed_batch(inputs, begin, end);
    if (!batch) return batch.error();
    if (!out.empty() && !batch->empty() && (*batch)[0].size() != out[0].size()) {
      return malformed("the vectors do not have the same number of dimensions");
    }
    for (Embedding& vector : *batch) out.push_back(std::move(vector));
  }
  return out;
}

}  // namespace parley
