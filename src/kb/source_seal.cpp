#include "kb/source_seal.h"

namespace parley {

SealContext source_title_field(const std::string& source_id) {
  return {"sources", "title_sealed", source_id};
}
SealContext source_url_field(const std::string& source_id) {
  return {"sources", "url_sealed", source_id};
}
SealContext source_content_field(const std::string& source_id) {
  return {"source_contents", "content_sealed", source_id};
}

Result<std::string> open_source_title(const Keyring& keyring, const SourceRow& source) {
  return keyring.open(source.workspace_id, source_title_field(source.id), source.title_sealed);
}

Result<std::string> open_source_url(const Keyring& keyring, const SourceRow& source) {
  if (!source.url_sealed) return std::string();
  return keyring.open(source.workspace_id, source_url_field(source.id), *source.url_sealed);
}

Result<std::string> load_source_content(Store& store, const Keyring& keyring,
                                        const SourceRow& source) {
  std::optional<Bytes> sealed;
  Status read = store.db().read([&](Tx& tx) -> Status {
    auto found = find_source_content(tx, source.id);
    if (!found) return found.error();
    sealed = std::move(*found);
    return ok_status();
  });
  if (!read) return read.error();
  if (!sealed) return make_error(ErrorCode::not_found, "the source's content is gone");
  return keyring.open(source.workspace_id, source_content_field(source.id), *sealed);
}

}  // namespace parley
