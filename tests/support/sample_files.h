// Real files made in memory for tests: PDFs drawn with cairo, DOCX and XLSX zipped with
// libzip, a zip bomb, a PNG. Used by the extraction, knowledge and integration tests.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace parley::test {

// A PDF with one page per string. '\n' starts a new line, an empty line leaves a gap (a
// paragraph break), long lines wrap at the margin; text past the bottom of a page is cut.
// `title` goes into the PDF metadata when not empty.
std::string make_pdf(const std::vector<std::string>& pages, const std::string& title = "");

// A one-page PDF encrypted with a user password nobody knows: readers must refuse it.
std::string make_locked_pdf();

// One paragraph, heading, list item or table of a DOCX body, in order.
struct DocxItem {
  std::string text;
  int heading_level = 0;  // 1..6: style "Heading<n>"; 0: a plain paragraph
  int list_level = 0;     // 1..9: a numbered list item at that depth (numPr); 0: none
  std::string style{};    // a pStyle id to use instead (e.g. "Title"), when not empty
  std::vector<std::vector<std::string>> table{};  // not empty: this item is a table of rows
};

struct DocxOptions {
  std::string title;       // docProps/core.xml dc:title, when not empty
  std::string language;    // w:lang in the document defaults (word/styles.xml), e.g. "de-DE"
  std::string styles_xml;  // a whole word/styles.xml to use instead of the generated one
};

std::string make_docx(const std::vector<DocxItem>& items, const DocxOptions& options = {});

struct XlsxSheet {
  std::string name;
  std::vector<std::vector<std::string>> rows;  // numbers become number cells, the rest shared
                                               // strings; "" is an empty cell
};

std::string make_xlsx(const std::vector<XlsxSheet>& sheets, const std::string& title = "");

// A ZIP archive of the given (name, contents) members, deflated.
std::string make_zip(const std::vector<std::pair<std::string, std::string>>& files);

// A DOCX whose word/document.xml inflates to `inflated_bytes` (one repeated character, so it
// compresses about a thousand to one). With `understate_size`, the ZIP directory claims the
// member is tiny, as a hostile file would, so only a limit enforced while inflating stops it.
std::string make_zip_bomb_docx(int64_t inflated_bytes, bool understate_size = false);

// A real PNG image (width x height pixels), for "binary file" cases.
std::string make_png(int width, int height);

}  // namespace parley::test
