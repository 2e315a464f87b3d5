#include "tests/support/sample_files.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <zip.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <list>
#include <sstream>
#include <stdexcept>
#include <string_view>

namespace parley::test {
namespace {

// ---- ZIP ------------------------------------------------------------------------------------

// Builds an archive in memory. Member contents are kept here until close(), as libzip
// reads them only then.
class ZipWriter {
 public:
  ZipWriter() {
    zip_error_t error;
    zip_error_init(&error);
    buffer_ = zip_source_buffer_create(nullptr, 0, 0, &error);
    zip_ = buffer_ ? zip_open_from_source(buffer_, ZIP_TRUNCATE, &error) : nullptr;
    zip_error_fini(&error);
    if (zip_ == nullptr) throw std::runtime_error("libzip cannot create an archive in memory");
    zip_source_keep(buffer_);
  }
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;
  ~ZipWriter() {
    if (zip_ != nullptr) zip_discard(zip_);
    if (buffer_ != nullptr) zip_source_free(buffer_);
  }

  void add(const std::string& name, std::string contents) {
    const std::string& kept = contents_.emplace_back(std::move(contents));
    add_source(name, zip_source_buffer(zip_, kept.data(), kept.size(), 0));
  }

  // Level 9 only where the ratio is the point (a bomb): it is slow on large members.
  void add_source(const std::string& name, zip_source_t* source, int level = 0) {
    zip_int64_t index =
        source ? zip_file_add(zip_, name.c_str(), source, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8) : -1;
    if (index < 0) {
      if (source != nullptr) zip_source_free(source);
      throw std::runtime_error("libzip cannot add " + name);
    }
    zip_set_file_compression(zip_, static_cast<zip_uint64_t>(index), ZIP_CM_DEFLATE, level);
  }

  zip_t* zip() { return zip_; }

  std::string close() {
    if (zip_close(zip_) != 0) throw std::runtime_error("libzip cannot write the archive");
    zip_ = nullptr;
    std::string bytes;
    zip_stat_t stat;
    if (zip_source_stat(buffer_, &stat) != 0 || zip_source_open(buffer_) != 0) {
      throw std::runtime_error("libzip cannot read the archive back");
    }
    bytes.resize(stat.size);
    zip_int64_t n = zip_source_read(buffer_, bytes.data(), bytes.size());
    zip_source_close(buffer_);
    if (n != static_cast<zip_int64_t>(bytes.size())) {
      throw std::runtime_error("libzip returned a short archive");
    }
    return bytes;
  }

 private:
  zip_source_t* buffer_ = nullptr;
  zip_t* zip_ = nullptr;
  std::list<std::string> contents_;  // a list: adding never moves what libzip points at
};

// A member made on the fly: prefix, `fill` repeated, suffix, without holding it in memory.
struct GeneratedMember {
  std::string prefix, suffix;
  char fill = 'a';
  uint64_t size = 0;
  uint64_t position = 0;
  zip_error_t error;

  GeneratedMember() { zip_error_init(&error); }
  ~GeneratedMember() { zip_error_fini(&error); }

  void read(char* out, uint64_t length) {
    uint64_t fill_end = size - suffix.size();
    for (uint64_t i = 0; i < length;) {
      uint64_t n = 1;
      if (position < prefix.size()) {
        out[i] = prefix[position];
      } else if (position < fill_end) {
        n = std::min(length - i, fill_end - position);
        std::memset(out + i, fill, n);
      } else {
        out[i] = suffix[position - fill_end];
      }
      i += n;
      position += n;
    }
  }
};

zip_int64_t generated_member_callback(void* user, void* data, zip_uint64_t length,
                                      zip_source_cmd_t command) {
  auto* member = static_cast<GeneratedMember*>(user);
  switch (command) {
    case ZIP_SOURCE_OPEN:
      member->position = 0;
      return 0;
    case ZIP_SOURCE_READ: {
      uint64_t n = std::min<uint64_t>(length, member->size - member->position);
      member->read(static_cast<char*>(data), n);
      return static_cast<zip_int64_t>(n);
    }
    case ZIP_SOURCE_CLOSE:
      return 0;
    case ZIP_SOURCE_STAT: {
      auto* stat = static_cast<zip_stat_t*>(data);
      zip_stat_init(stat);
      stat->size = member->size;
      stat->valid |= ZIP_STAT_SIZE;
      return sizeof(zip_stat_t);
    }
    case ZIP_SOURCE_ERROR:
      return zip_error_to_data(&member->error, data, length);
    case ZIP_SOURCE_FREE:
      delete member;
      return 0;
    case ZIP_SOURCE_SUPPORTS:
      return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                            ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
    default:
      return -1;
  }
}

void put_le32(std::string& bytes, size_t offset, uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes[offset + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}

// Rewrites the uncompressed size of `name` in its local header and its directory entry.
void understate_member_size(std::string& zip, const std::string& name, uint32_t size) {
  for (size_t at = zip.find("PK\x03\x04"); at != std::string::npos;
       at = zip.find("PK\x03\x04", at + 4)) {
    if (zip.compare(at + 30, name.size(), name) == 0) put_le32(zip, at + 22, size);
  }
  for (size_t at = zip.find("PK\x01\x02"); at != std::string::npos;
       at = zip.find("PK\x01\x02", at + 4)) {
    if (zip.compare(at + 46, name.size(), name) == 0) put_le32(zip, at + 24, size);
  }
}

// ---- XML ------------------------------------------------------------------------------------

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

constexpr const char* kXmlDeclaration =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
constexpr const char* kRelationshipType =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
constexpr const char* kWordNamespace =
    "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";
constexpr const char* kSheetNamespaces =
    "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";

std::string relationship(const std::string& id, const std::string& type,
                         const std::string& target) {
  return "<Relationship Id=\"" + id + "\" Type=\"" + type + "\" Target=\"" + target + "\"/>";
}

std::string relationships(const std::string& body) {
  return std::string(kXmlDeclaration) +
         "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" +
         body + "</Relationships>";
}

std::string content_types(const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::string xml = std::string(kXmlDeclaration) +
                    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                    "<Default Extension=\"rels\" "
                    "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>";
  for (const auto& [part, type] : overrides) {
    xml += "<Override PartName=\"" + part + "\" ContentType=\"" + type + "\"/>";
  }
  return xml + "</Types>";
}

std::string core_properties(const std::string& title) {
  return std::string(kXmlDeclaration) +
         "<cp:coreProperties "
         "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
         "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>" +
         xml_escape(title) + "</dc:title></cp:coreProperties>";
}

constexpr const char* kCoreType = "application/vnd.openxmlformats-package.core-properties+xml";
constexpr const char* kCoreRelationship =
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties";

// ---- DOCX -----------------------------------------------------------------------------------

// Runs for text where '\n' is a line break and '\t' a tab, as Word stores them.
std::string word_runs(std::string_view text) {
  std::string xml = "<w:r>";
  std::string pending;
  auto flush = [&] {
    if (!pending.empty()) xml += "<w:t xml:space=\"preserve\">" + xml_escape(pending) + "</w:t>";
    pending.clear();
  };
  for (char c : text) {
    if (c == '\n' || c == '\t') {
      flush();
      xml += c == '\n' ? "<w:br/>" : "<w:tab/>";
    } else {
      pending += c;
    }
  }
  flush();
  return xml + "</w:r>";
}

std::string word_paragraph(const DocxItem& item) {
  std::string properties;
  if (!item.style.empty()) {
    properties += "<w:pStyle w:val=\"" + xml_escape(item.style) + "\"/>";
  } else if (item.heading_level > 0) {
    properties += "<w:pStyle w:val=\"Heading" + std::to_string(item.heading_level) + "\"/>";
  } else if (item.list_level > 0) {
    properties += "<w:pStyle w:val=\"ListParagraph\"/>";
  }
  if (item.list_level > 0) {
    properties += "<w:numPr><w:ilvl w:val=\"" + std::to_string(item.list_level - 1) +
                  "\"/><w:numId w:val=\"1\"/></w:numPr>";
  }
  std::string xml = "<w:p>";
  if (!properties.empty()) xml += "<w:pPr>" + properties + "</w:pPr>";
  return xml + word_runs(item.text) + "</w:p>";
}

std::string word_table(const std::vector<std::vector<std::string>>& rows) {
  std::string xml = "<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr>";
  for (const auto& row : rows) {
    xml += "<w:tr>";
    for (const auto& cell : row) xml += "<w:tc><w:p>" + word_runs(cell) + "</w:p></w:tc>";
    xml += "</w:tr>";
  }
  return xml + "</w:tbl>";
}

std::string word_styles(const std::string& language) {
  std::string xml = std::string(kXmlDeclaration) + "<w:styles " + kWordNamespace + ">";
  if (!language.empty()) {
    xml += "<w:docDefaults><w:rPrDefault><w:rPr><w:lang w:val=\"" + xml_escape(language) +
           "\"/></w:rPr></w:rPrDefault></w:docDefaults>";
  }
  xml +=
      "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\">"
      "<w:name w:val=\"Normal\"/></w:style>"
      "<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/>"
      "<w:basedOn w:val=\"Normal\"/></w:style>"
      "<w:style w:type=\"paragraph\" w:styleId=\"ListParagraph\">"
      "<w:name w:val=\"List Paragraph\"/><w:basedOn w:val=\"Normal\"/></w:style>";
  for (int level = 1; level <= 6; ++level) {
    std::string n = std::to_string(level);
    xml += "<w:style w:type=\"paragraph\" w:styleId=\"Heading" + n + "\"><w:name w:val=\"heading " +
           n + "\"/><w:basedOn w:val=\"Normal\"/><w:pPr><w:outlineLvl w:val=\"" +
           std::to_string(level - 1) + "\"/></w:pPr></w:style>";
  }
  return xml + "</w:styles>";
}

std::string word_numbering() {
  std::string xml = std::string(kXmlDeclaration) + "<w:numbering " + kWordNamespace +
                    "><w:abstractNum w:abstractNumId=\"0\">";
  for (int level = 0; level < 9; ++level) {
    xml += "<w:lvl w:ilvl=\"" + std::to_string(level) +
           "\"><w:start w:val=\"1\"/><w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"-\"/></w:lvl>";
  }
  return xml + "</w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>" +
         "</w:numbering>";
}

// ---- XLSX -----------------------------------------------------------------------------------

std::string column_name(size_t index) {
  std::string name;
  for (size_t n = index + 1; n > 0; n = (n - 1) / 26) {
    name.insert(name.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return name;
}

bool is_number(const std::string& text) {
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && error == std::errc() && end == text.data() + text.size();
}

// ---- PDF ------------------------------------------------------------------------------------

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

std::vector<std::string> wrap_line(cairo_t* cr, const std::string& line, double width) {
  std::vector<std::string> lines;
  std::istringstream words(line);
  std::string word, current;
  while (words >> word) {
    std::string candidate = current.empty() ? word : current + " " + word;
    cairo_text_extents_t extents;
    cairo_text_extents(cr, candidate.c_str(), &extents);
    if (extents.x_advance > width && !current.empty()) {
      lines.push_back(current);
      current = word;
    } else {
      current = candidate;
    }
  }
  if (!current.empty()) lines.push_back(current);
  return lines;
}

}  // namespace

std::string make_zip(const std::vector<std::pair<std::string, std::string>>& files) {
  ZipWriter writer;
  for (const auto& [name, contents] : files) writer.add(name, contents);
  return writer.close();
}

std::string make_docx(const std::vector<DocxItem>& items, const DocxOptions& options) {
  std::string body;
  for (const auto& item : items) {
    body += item.table.empty() ? word_paragraph(item) : word_table(item.table);
  }
  const std::string type = "application/vnd.openxmlformats-officedocument.wordprocessingml.";
  ZipWriter writer;
  writer.add("[Content_Types].xml",
             content_types({{"/word/document.xml", type + "document.main+xml"},
                            {"/word/styles.xml", type + "styles+xml"},
                            {"/word/numbering.xml", type + "numbering+xml"},
                            {"/docProps/core.xml", kCoreType}}));
  writer.add("_rels/.rels",
             relationships(relationship("rId1", std::string(kRelationshipType) + "officeDocument",
                                        "word/document.xml") +
                           relationship("rId2", kCoreRelationship, "docProps/core.xml")));
  writer.add(
      "word/_rels/document.xml.rels",
      relationships(
          relationship("rId1", std::string(kRelationshipType) + "styles", "styles.xml") +
          relationship("rId2", std::string(kRelationshipType) + "numbering", "numbering.xml")));
  writer.add("word/document.xml", std::string(kXmlDeclaration) + "<w:document " + kWordNamespace +
                                      "><w:body>" + body + "<w:sectPr/></w:body></w:document>");
  writer.add("word/styles.xml",
             options.styles_xml.empty() ? word_styles(options.language) : options.styles_xml);
  writer.add("word/numbering.xml", word_numbering());
  writer.add("docProps/core.xml", core_properties(options.title));
  return writer.close();
}

std::string make_zip_bomb_docx(int64_t inflated_bytes, bool understate_size) {
  auto* member = new GeneratedMember;
  member->prefix =
      std::string(kXmlDeclaration) + "<w:document " + kWordNamespace + "><w:body><w:p><w:r><w:t>";
  member->suffix = "</w:t></w:r></w:p></w:body></w:document>";
  member->size = std::max<uint64_t>(inflated_bytes, member->prefix.size() + member->suffix.size());
  ZipWriter writer;
  writer.add("[Content_Types].xml",
             content_types({{"/word/document.xml",
                             "application/vnd.openxmlformats-officedocument.wordprocessingml."
                             "document.main+xml"}}));
  writer.add("_rels/.rels",
             relationships(relationship("rId1", std::string(kRelationshipType) + "officeDocument",
                                        "word/document.xml")));
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_function_create(generated_member_callback, member, &error);
  zip_error_fini(&error);
  if (source == nullptr) {
    delete member;
    throw std::runtime_error("libzip cannot make a generated member");
  }
  writer.add_source("word/document.xml", source, 9);
  std::string zip = writer.close();
  if (understate_size) understate_member_size(zip, "word/document.xml", 1000);
  return zip;
}

std::string make_xlsx(const std::vector<XlsxSheet>& sheets, const std::string& title) {
  std::vector<std::string> shared;
  std::string workbook_sheets, workbook_relationships;
  std::vector<std::pair<std::string, std::string>> overrides = {
      {"/xl/workbook.xml",
       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"},
      {"/xl/sharedStrings.xml",
       "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"},
      {"/docProps/core.xml", kCoreType}};
  ZipWriter writer;
  std::vector<std::pair<std::string, std::string>> sheet_files;
  for (size_t s = 0; s < sheets.size(); ++s) {
    std::string n = std::to_string(s + 1);
    std::string xml =
        std::string(kXmlDeclaration) + "<worksheet " + kSheetNamespaces + "><sheetData>";
    for (size_t r = 0; r < sheets[s].rows.size(); ++r) {
      std::string row_number = std::to_string(r + 1);
      xml += "<row r=\"" + row_number + "\">";
      for (size_t c = 0; c < sheets[s].rows[r].size(); ++c) {
        const std::string& value = sheets[s].rows[r][c];
        if (value.empty()) continue;
        std::string ref = column_name(c) + row_number;
        if (is_number(value)) {
          xml += "<c r=\"" + ref + "\"><v>" + value + "</v></c>";
        } else {
          xml += "<c r=\"" + ref + "\" t=\"s\"><v>" + std::to_string(shared.size()) + "</v></c>";
          shared.push_back(value);
        }
      }
      xml += "</row>";
    }
    sheet_files.emplace_back("xl/worksheets/sheet" + n + ".xml", xml + "</sheetData></worksheet>");
    workbook_sheets += "<sheet name=\"" + xml_escape(sheets[s].name) + "\" sheetId=\"" + n +
                       "\" r:id=\"rId" + n + "\"/>";
    workbook_relationships += relationship("rId" + n, std::string(kRelationshipType) + "worksheet",
                                           "worksheets/sheet" + n + ".xml");
    overrides.emplace_back("/xl/worksheets/sheet" + n + ".xml",
                           "application/vnd.openxmlformats-officedocument.spreadsheetml."
                           "worksheet+xml");
  }
  workbook_relationships += relationship(
      "rIdShared", std::string(kRelationshipType) + "sharedStrings", "sharedStrings.xml");
  std::string strings = std::string(kXmlDeclaration) +
                        "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
                        "count=\"" +
                        std::to_string(shared.size()) + "\">";
  for (const auto& text : shared) {
    strings += "<si><t xml:space=\"preserve\">" + xml_escape(text) + "</t></si>";
  }
  strings += "</sst>";

  writer.add("[Content_Types].xml", content_types(overrides));
  writer.add("_rels/.rels",
             relationships(relationship("rId1", std::string(kRelationshipType) + "officeDocument",
                                        "xl/workbook.xml") +
                           relationship("rId2", kCoreRelationship, "docProps/core.xml")));
  writer.add("xl/workbook.xml", std::string(kXmlDeclaration) + "<workbook " + kSheetNamespaces +
                                    "><sheets>" + workbook_sheets + "</sheets></workbook>");
  writer.add("xl/_rels/workbook.xml.rels", relationships(workbook_relationships));
  writer.add("xl/sharedStrings.xml", strings);
  for (auto& [name, xml] : sheet_files) writer.add(name, std::move(xml));
  writer.add("docProps/core.xml", core_properties(title));
  return writer.close();
}

std::string make_pdf(const std::vector<std::string>& pages, const std::string& title) {
  constexpr double kWidth = 595, kHeight = 842, kMargin = 72, kFontSize = 12, kLeading = 16;
  std::string pdf;
  cairo_surface_t* surface =
      cairo_pdf_surface_create_for_stream(append_to_string, &pdf, kWidth, kHeight);
  if (!title.empty()) {
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title.c_str());
  }
  cairo_t* cr = cairo_create(surface);
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, kFontSize);
  for (const auto& page : pages) {
    double y = kMargin;
    std::istringstream lines(page);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty()) y += kLeading;
      for (const auto& wrapped : wrap_line(cr, line, kWidth - 2 * kMargin)) {
        if (y > kHeight - kMargin) break;
        cairo_move_to(cr, kMargin, y);
        cairo_show_text(cr, wrapped.c_str());
        y += kLeading;
      }
    }
    cairo_show_page(cr);
  }
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) throw std::runtime_error("cairo cannot write the PDF");
  return pdf;
}

std::string make_locked_pdf() {
  // Written by hand because cairo cannot encrypt. /U is not what the empty password
  // yields, so the file is locked; its content never has to be decryptable.
  std::string key(64, 'A');
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
      "<< /Filter /Standard /V 1 /R 2 /O <" + std::string(64, 'B') + "> /U <" + key + "> /P -4 >>"};
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t offset : offsets) {
    std::string number = std::to_string(offset);
    pdf += std::string(10 - number.size(), '0') + number + " 00000 n \n";
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R /Encrypt 4 0 R /ID [<0123456789ABCDEF0123456789ABCDEF>"
         "<0123456789ABCDEF0123456789ABCDEF>] >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

std::string make_png(int width, int height) {
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
  cairo_t* cr = cairo_create(surface);
  cairo_pattern_t* gradient = cairo_pattern_create_linear(0, 0, width, height);
  cairo_pattern_add_color_stop_rgb(gradient, 0, 0.9, 0.2, 0.1);
  cairo_pattern_add_color_stop_rgb(gradient, 1, 0.1, 0.3, 0.9);
  cairo_set_source(cr, gradient);
  cairo_paint(cr);
  cairo_pattern_destroy(gradient);
  cairo_destroy(cr);
  std::string png;
  cairo_status_t status = cairo_surface_write_to_png_stream(surface, append_to_string, &png);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) throw std::runtime_error("cairo cannot write the PNG");
  return png;
}

}  // namespace parley::test

// fontconfig, which cairo asks for the PDF's font, keeps its parsed configuration for the
// life of the process. The leak checker of sanitizer builds (-DCMAKE_BUILD_TYPE=Asan) would
// otherwise fail every test binary that made a PDF. Read by LeakSanitizer only.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
