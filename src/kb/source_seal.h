// Where a source's sealed fields live (the additional data that binds each ciphertext to its
// table, column and row) and how to open them: shared by the source service and the
// processor, so the two always agree.
#pragma once

#include <string>

#include "core/keyring.h"
#include "store/sources_repo.h"
#include "store/store.h"

namespace parley {

SealContext source_title_field(const std::string& source_id);
SealContext source_url_field(const std::string& source_id);
SealContext source_content_field(const std::string& source_id);

Result<std::string> open_source_title(const Keyring& keyring, const SourceRow& source);
// Empty when the source has no URL.
Result<std::string> open_source_url(const Keyring& keyring, const SourceRow& source);
// The original file, text or Q&A pair.
Result<std::string> load_source_content(Store& store, const Keyring& keyring,
                                        const SourceRow& source);

}  // namespace parley
