#include "kb/extract/xlsx.h"

#include <array>
#include <charconv>
#include <pugixml.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "kb/extract/docx.h"
#include "kb/extract/office_xml.h"
#include "kb/extract/text.h"

namespace parley {
namespace {

constexpr unsigned kParse = pugi::parse_default | pugi::parse_ws_pcdata_single;

// Text of a shared or inline string: plain <t>, or rich-text runs; phonetic guides (rPh)
// repeat the text in another script and are left out.
std::string string_item_text(pugi::xml_node item) {
  std::string text;
  for (pugi::xml_node node : item.children()) {
    if (is(node, "t")) {
      text += node.text().get();
    } else if (is(node, "r")) {
      text += child(node, "t").text().get();
    }
  }
  return text;
}

// "0.10000000000000001" as Excel shows it, "0.1"; anything else unchanged.
std::string tidy_number(std::string_view text) {
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::string(text);
  std::array<char, 32> buffer;
  auto [out, out_error] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  if (out_error != std::errc()) return std::string(text);
  return std::string(buffer.data(), out);
}

// "C7" -> 2; -1 without letters.
int column_of(std::string_view reference) {
  int column = 0;
  size_t letters = 0;
  for (char c : reference) {
    if (c < 'A' || c > 'Z') break;
    column = column * 26 + (c - 'A' + 1);
    if (column > kMaxSheetColumns) return kMaxSheetColumns;
    ++letters;
  }
  return letters == 0 ? -1 : column - 1;
}

class SheetReader {
 public:
  SheetReader(const std::vector<std::string>& shared, int64_t& cells_left)
      : shared_(shared), cells_left_(cells_left) {}

  // One line per non-empty row, cells in their columns.
  std::string lines(pugi::xml_node sheet_data) {
    std::string lines;
    for (pugi::xml_node row : sheet_data.children()) {
      if (!is(row, "row") || cells_left_ <= 0) continue;
      std::string line = table_row_text(cells(row));
      if (line.empty()) continue;
      if (!lines.empty()) lines += '\n';
      lines += line;
    }
    return lines;
  }

 private:
  std::vector<std::string> cells(pugi::xml_node row) {
    std::vector<std::string> cells;
    int next_column = 0;
    for (pugi::xml_node cell : row.children()) {
      if (!is(cell, "c")) continue;
      int column = column_of(attribute(cell, "r"));
      if (column < 0) column = next_column;
      next_column = column + 1;
      if (column >= kMaxSheetColumns || cells_left_ <= 0) continue;
      std::string value = value_of(cell);
      if (value.empty()) continue;
      if (cells.size() <= static_cast<size_t>(column)) cells.resize(column + 1);
      cells[column] = std::move(value);
      --cells_left_;
    }
    return cells;
  }

  std::string value_of(pugi::xml_node cell) {
    std::string_view type = attribute(cell, "t");
    std::string_view value = child(cell, "v").text().get();
    if (type == "s") {
      size_t index = 0;
      auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), index);
      return error == std::errc() && index < shared_.size() ? shared_[index] : std::string();
    }
    if (type == "inlineStr") return string_item_text(child(cell, "is"));
    if (type == "b") return value == "1" ? "TRUE" : "FALSE";
    if (type.empty() || type == "n") return tidy_number(value);
    return std::string(value);  // str (a formula's text), e (an error such as #N/A)
  }

  const std::vector<std::string>& shared_;
  int64_t& cells_left_;
};

Error damaged(std::string_view part) {
  return make_error(ErrorCode::invalid_argument, "the Excel file is damaged and cannot be read (" +
                                                     std::string(part) + " is not valid XML)");
}

Result<std::string> read_optional(ZipReader& zip, std::string_view name) {
  auto part = zip.read(name);
  if (!part.ok() && part.error().code == ErrorCode::not_found) return std::string();
  return part;
}

Result<std::vector<std::string>> shared_strings(ZipReader& zip) {
  auto xml = read_optional(zip, "xl/sharedStrings.xml");
  if (!xml.ok()) return xml.error();
  std::vector<std::string> strings;
  if (xml->empty()) return strings;
  pugi::xml_document doc;
  if (!doc.load_buffer_inplace(xml->data(), xml->size(), kParse)) {
    return damaged("xl/sharedStrings.xml");
  }
  for (pugi::xml_node item : doc.document_element().children()) {
    if (is(item, "si")) strings.push_back(string_item_text(item));
  }
  return strings;
}

// Relationship id -> the part's path in the archive ("worksheets/sheet1.xml" is relative to
// xl/, "/xl/worksheets/sheet1.xml" absolute).
Result<std::unordered_map<std::string, std::string>> sheet_paths(ZipReader& zip) {
  auto xml = read_optional(zip, "xl/_rels/workbook.xml.rels");
  if (!xml.ok()) return xml.error();
  std::unordered_map<std::string, std::string> paths;
  pugi::xml_document doc;
  if (xml->empty() || !doc.load_buffer_inplace(xml->data(), xml->size())) return paths;
  for (pugi::xml_node rel : doc.document_element().children()) {
    std::string target(attribute(rel, "Target"));
    if (target.empty()) continue;
    paths[std::string(attribute(rel, "Id"))] =
        target.front() == '/' ? target.substr(1) : "xl/" + target;
  }
  return paths;
}

}  // namespace

Result<Document> extract_xlsx(std::string_view bytes, const ZipLimits& limits, int64_t max_cells) {
  auto zip = ZipReader::open(bytes, limits);
  if (!zip.ok()) return zip.error();
  auto workbook_xml = zip->read("xl/workbook.xml");
  if (!workbook_xml.ok()) {
    if (workbook_xml.error().code != ErrorCode::not_found) return workbook_xml.error();
    return make_error(ErrorCode::invalid_argument, "the file is not an Excel workbook");
  }
  pugi::xml_document workbook;
  if (!workbook.load_buffer_inplace(workbook_xml->data(), workbook_xml->size())) {
    return damaged("xl/workbook.xml");
  }
  auto paths = sheet_paths(*zip);
  if (!paths.ok()) return paths.error();
  auto shared = shared_strings(*zip);
  if (!shared.ok()) return shared.error();

  Document document;
  int64_t cells_left = max_cells;
  SheetReader reader(*shared, cells_left);
  for (pugi::xml_node sheet : child(workbook.document_element(), "sheets").children()) {
    if (!is(sheet, "sheet")) continue;
    int page = ++document.page_count;
    // Hidden sheets hold lookup tables and scratch work, not what the author shows.
    if (!attribute(sheet, "state").empty() && attribute(sheet, "state") != "visible") continue;
    auto path = paths->find(std::string(attribute(sheet, "id")));
    if (path == paths->end() || cells_left <= 0) continue;
    auto sheet_xml = read_optional(*zip, path->second);
    if (!sheet_xml.ok()) return sheet_xml.error();
    if (sheet_xml->empty()) continue;
    pugi::xml_document doc;
    if (!doc.load_buffer_inplace(sheet_xml->data(), sheet_xml->size(), kParse)) {
      return damaged(path->second);
    }
    std::string lines = reader.lines(child(doc.document_element(), "sheetData"));
    if (!lines.empty()) document.blocks.push_back(Block{BlockKind::table, 0, lines, page});
  }
  auto title = office_document_title(*zip);
  if (!title.ok()) return title.error();
  document.title = *title;
  return document;
}

}  // namespace parley
