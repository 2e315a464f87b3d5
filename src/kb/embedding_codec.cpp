#include "kb/embedding_codec.h"

#include <cstring>

#include "core/sha256.h"

namespace parley {
namespace {

std::string vector_row(const std::string& model_key, const std::string& text_hash) {
  return model_key + "/" + text_hash;
}

}  // namespace

std::string embedding_text(const ChunkBody& body) {
  std::string text = body.title;
  std::string path;
  for (const std::string& heading : body.headings) path += (path.empty() ? "" : " > ") + heading;
  if (!path.empty()) text += (text.empty() ? "" : "\n") + path;
  if (!body.question.empty() && body.question != body.title) text += "\n" + body.question;
  for (const std::string& alternative : body.alternatives) text += "\n" + alternative;
  text += (text.empty() ? "" : "\n\n") + body.text;
  return text;
}

std::string embedding_hash(const ChunkBody& body) { return sha256_hex(embedding_text(body)); }

std::string embedding_model_key(const ModelEndpoint& endpoint) {
  return sha256_hex(endpoint.base_url + "\n" + endpoint.model);
}

Result<Bytes> seal_vector(Keyring& keyring, const std::string& workspace_id,
                          const std::string& model_key, const std::string& text_hash,
                          const Embedding& vector) {
  // Little-endian float32, as every machine Parley builds for stores floats.
  std::string plain(vector.size() * sizeof(float), '\0');
  std::memcpy(plain.data(), vector.data(), plain.size());
  return keyring.seal(workspace_id,
                      {"embeddings", "vector_sealed", vector_row(model_key, text_hash)}, plain);
}

Result<Embedding> open_vector(const Keyring& keyring, const std::string& workspace_id,
                              const std::string& model_key, const std::string& text_hash,
                              const Bytes& sealed) {
  auto plain = keyring.open(
      workspace_id, {"embeddings", "vector_sealed", vector_row(model_key, text_hash)}, sealed);
  if (!plain) return plain.error();
  if (plain->empty() || plain->size() % sizeof(float) != 0) {
    return make_error(ErrorCode::internal, "a cached vector has an impossible length");
  }
  Embedding vector(plain->size() / sizeof(float));
  std::memcpy(vector.data(), plain->data(), plain->size());
  return vector;
}

}  // namespace parley
