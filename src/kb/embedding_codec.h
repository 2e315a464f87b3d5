// What a chunk's vector is made from and how it is kept: the text an embeddings model is
// given (title, headings, body, question), the key of the model, and the vector sealed
// with the workspace key (a vector can give its text away). Used by the source processor
// (the hash stored with each chunk) and the chunk embedder.
#pragma once

#include <string>

#include "core/keyring.h"
#include "kb/source_types.h"
#include "model/embeddings_client.h"
#include "store/database.h"

namespace parley {

std::string embedding_text(const ChunkBody& body);
// SHA-256 of embedding_text: the key of the chunk's cached vector.
std::string embedding_hash(const ChunkBody& body);
// Names base URL + model without putting the URL in the table.
std::string embedding_model_key(const ModelEndpoint& endpoint);

Result<Bytes> seal_vector(Keyring& keyring, const std::string& workspace_id,
                          const std::string& model_key, const std::string& text_hash,
                          const Embedding& vector);
Result<Embedding> open_vector(const Keyring& keyring, const std::string& workspace_id,
                              const std::string& model_key, const std::string& text_hash,
                              const Bytes& sealed);

}  // namespace parley
