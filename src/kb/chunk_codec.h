// A chunk's body in the database: JSON sealed with the workspace key, bound to the chunk's
// source and content hash (its unique key), so that re-processing can refresh the body of
// an unchanged passage in place. Written by the ingest worker, read by the chunk listing
// and the search index.
#pragma once

#include <string>

#include "core/keyring.h"
#include "kb/source_types.h"
#include "store/chunks_repo.h"

namespace parley {

Result<Bytes> seal_chunk_body(Keyring& keyring, const std::string& workspace_id,
                              const std::string& source_id, const std::string& content_hash,
                              const ChunkBody& body);
Result<ChunkBody> open_chunk_body(const Keyring& keyring, const std::string& workspace_id,
                                  const ChunkRow& row);

}  // namespace parley
