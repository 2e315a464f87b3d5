// Excel (.xlsx) to Document with libzip and pugixml: one table block per visible sheet
// (Block.page = the sheet's position from 1), rows as lines. Called by extract_document.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/result.h"
#include "kb/extract/document.h"
#include "kb/extract/zip_reader.h"

namespace parley {

// Output is bounded: at most kMaxSheetColumns columns per row and `max_cells` non-empty
// cells in all; what lies beyond is left out.
inline constexpr int kMaxSheetColumns = 1000;
inline constexpr int64_t kMaxWorkbookCells = 1'000'000;

// invalid_argument when the file is damaged, not a workbook, or breaks `limits`.
Result<Document> extract_xlsx(std::string_view bytes, const ZipLimits& limits,
                              int64_t max_cells = kMaxWorkbookCells);

}  // namespace parley
