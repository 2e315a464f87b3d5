#include "kb/extract/docx.h"

#include <algorithm>
#include <cctype>
#include <pugixml.hpp>
#include <string>
#include <unordered_map>

#include "kb/extract/office_xml.h"
#include "kb/extract/text.h"

namespace parley {
namespace {

int to_int(std::string_view text, int fallback) {
  if (text.empty() || text.size() > 6) return fallback;
  int value = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return fallback;
    value = value * 10 + (c - '0');
  }
  return value;
}

// w:outlineLvl 0..5 is heading level 1..6; 9 means body text.
int outline_heading_level(pugi::xml_node paragraph_properties) {
  int level = to_int(attribute(child(paragraph_properties, "outlineLvl"), "val"), 9);
  return level <= 5 ? level + 1 : 0;
}

struct Style {
  int heading_level = 0;
  bool title = false;
  bool list = false;
  std::string based_on;
};

using Styles = std::unordered_map<std::string, Style>;

// Built-in style names are stored in English ("heading 1", "Title") whatever the style id
// ("berschrift1" in a German Word), so names identify headings in every language.
Style style_from(pugi::xml_node node) {
  Style style;
  std::string name(attribute(child(node, "name"), "val"));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (name == "title") {
    style.title = true;
    style.heading_level = 1;
  } else if (name.starts_with("heading ")) {
    style.heading_level = std::clamp(to_int(name.substr(8), 0), 0, 6);
  }
  pugi::xml_node properties = child(node, "pPr");
  if (int level = outline_heading_level(properties); level > 0) style.heading_level = level;
  style.list = static_cast<bool>(child(properties, "numPr"));
  style.based_on = attribute(child(node, "basedOn"), "val");
  return style;
}

Styles parse_styles(pugi::xml_node root, std::string& language) {
  Styles styles;
  pugi::xml_node defaults = child(child(child(root, "docDefaults"), "rPrDefault"), "rPr");
  language = attribute(child(defaults, "lang"), "val");
  for (pugi::xml_node node : root.children()) {
    if (is(node, "style") && attribute(node, "type") == "paragraph") {
      styles[std::string(attribute(node, "styleId"))] = style_from(node);
    }
  }
  return styles;
}

// A style with what it inherits through basedOn; files without styles.xml fall back on the
// ids Word gives built-in styles in English.
Style resolve_style(const Styles& styles, std::string_view id) {
  Style resolved;
  std::string current(id);
  for (int depth = 0; depth < 10 && !current.empty(); ++depth) {
    auto it = styles.find(current);
    if (it == styles.end()) {
      if (depth == 0 && current == "Title") {
        resolved.title = true;
        resolved.heading_level = 1;
      } else if (depth == 0 && current.starts_with("Heading")) {
        resolved.heading_level = std::clamp(to_int(current.substr(7), 0), 0, 6);
      }
      break;
    }
    if (resolved.heading_level == 0) resolved.heading_level = it->second.heading_level;
    resolved.title = resolved.title || (depth == 0 && it->second.title);
    resolved.list = resolved.list || it->second.list;
    current = it->second.based_on;
  }
  return resolved;
}

// The visible text under a paragraph or table cell: deleted revisions, field codes and the
// fallback copy of drawings are not what the reader sees.
void append_visible_text(pugi::xml_node node, std::string& out) {
  for (pugi::xml_node c : node.children()) {
    std::string_view name = local_name(c.name());
    if (name == "t") {
      out += c.text().get();
    } else if (name == "tab" || name == "br" || name == "cr") {
      out += ' ';
    } else if (name == "noBreakHyphen") {
      out += '-';
    } else if (name == "p" || name == "tc") {
      out += ' ';
      append_visible_text(c, out);
      out += ' ';
    } else if (name != "pPr" && name != "rPr" && name != "del" && name != "moveFrom" &&
               name != "instrText" && name != "delInstrText" && name != "Fallback") {
      append_visible_text(c, out);
    }
  }
}

class BodyReader {
 public:
  explicit BodyReader(const Styles& styles) : styles_(styles) {}

  void read(pugi::xml_node container) {
    for (pugi::xml_node node : container.children()) {
      std::string_view name = local_name(node.name());
      if (name == "p") {
        paragraph(node);
      } else if (name == "tbl") {
        table(node);
      } else if (name == "sdt") {
        read(child(node, "sdtContent"));
      } else if (name == "customXml" || name == "ins" || name == "moveTo") {
        read(node);
      }
    }
  }

  Document& document() { return document_; }
  const std::string& first_title() const { return first_title_; }
  const std::string& first_heading() const { return first_heading_; }

 private:
  void paragraph(pugi::xml_node node) {
    std::string raw;
    append_visible_text(node, raw);
    std::string text = normalize_whitespace(raw);
    if (text.empty()) return;
    pugi::xml_node properties = child(node, "pPr");
    Style style = resolve_style(styles_, attribute(child(properties, "pStyle"), "val"));
    int heading = outline_heading_level(properties);
    if (heading == 0) heading = style.heading_level;
    pugi::xml_node numbering = child(properties, "numPr");
    bool listed = numbering ? attribute(child(numbering, "numId"), "val") != "0" : style.list;

    Block block{BlockKind::paragraph, 0, text, 0};
    if (heading > 0) {
      block.kind = BlockKind::heading;
      block.level = heading;
      if (style.title && first_title_.empty()) first_title_ = text;
      if (first_heading_.empty()) first_heading_ = text;
    } else if (listed) {
      block.kind = BlockKind::list_item;
      block.level = std::clamp(to_int(attribute(child(numbering, "ilvl"), "val"), 0) + 1, 1, 9);
    }
    document_.blocks.push_back(std::move(block));
  }

  void table(pugi::xml_node node) {
    std::string lines;
    append_rows(node, lines);
    if (!lines.empty()) document_.blocks.push_back(Block{BlockKind::table, 0, lines, 0});
  }

  void append_rows(pugi::xml_node container, std::string& lines) {
    for (pugi::xml_node node : container.children()) {
      if (is(node, "tr")) {
        std::vector<std::string> cells;
        for (pugi::xml_node cell : node.children()) {
          if (!is(cell, "tc")) continue;
          append_visible_text(cell, cells.emplace_back());
        }
        std::string line = table_row_text(cells);
        if (line.empty()) continue;
        if (!lines.empty()) lines += '\n';
        lines += line;
      } else if (is(node, "sdt")) {
        append_rows(child(node, "sdtContent"), lines);
      } else if (is(node, "customXml")) {
        append_rows(node, lines);
      }
    }
  }

  const Styles& styles_;
  Document document_;
  std::string first_title_, first_heading_;
};

Error damaged(std::string_view part) {
  return make_error(ErrorCode::invalid_argument, "the Word file is damaged and cannot be read (" +
                                                     std::string(part) + " is not valid XML)");
}

// Reads an optional part: absent is "", any other failure (a limit) is the result.
Result<std::string> read_optional(ZipReader& zip, std::string_view name) {
  auto part = zip.read(name);
  if (!part.ok() && part.error().code == ErrorCode::not_found) return std::string();
  return part;
}

}  // namespace

Result<std::string> office_document_title(ZipReader& zip) {
  auto core = read_optional(zip, "docProps/core.xml");
  if (!core.ok()) return core.error();
  pugi::xml_document xml;
  if (!xml.load_buffer_inplace(core->data(), core->size())) return std::string();
  std::string title = normalize_whitespace(child(xml.document_element(), "title").text().get());
  return truncate_utf8(title, 200);
}

Result<Document> extract_docx(std::string_view bytes, const ZipLimits& limits) {
  auto zip = ZipReader::open(bytes, limits);
  if (!zip.ok()) return zip.error();
  auto body_xml = zip->read("word/document.xml");
  if (!body_xml.ok()) {
    if (body_xml.error().code != ErrorCode::not_found) return body_xml.error();
    return make_error(ErrorCode::invalid_argument, "the file is not a Word document");
  }
  auto styles_xml = read_optional(*zip, "word/styles.xml");
  if (!styles_xml.ok()) return styles_xml.error();

  constexpr unsigned kParse = pugi::parse_default | pugi::parse_ws_pcdata_single;
  pugi::xml_document styles_doc;
  std::string language;
  Styles styles;
  if (!styles_xml->empty() &&
      styles_doc.load_buffer_inplace(styles_xml->data(), styles_xml->size(), kParse)) {
    styles = parse_styles(styles_doc.document_element(), language);
  }
  pugi::xml_document body_doc;
  if (!body_doc.load_buffer_inplace(body_xml->data(), body_xml->size(), kParse)) {
    return damaged("word/document.xml");
  }
  pugi::xml_node root = body_doc.document_element();
  BodyReader reader(styles);
  reader.read(child(root, "body"));

  Document document = std::move(reader.document());
  if (language.empty()) {
    pugi::xml_node lang = root.find_node(
        [](pugi::xml_node n) { return is(n, "lang") && !attribute(n, "val").empty(); });
    language = attribute(lang, "val");
  }
  document.language = normalize_whitespace(language);
  auto title = office_document_title(*zip);
  if (!title.ok()) return title.error();
  document.title = !title->empty()                 ? *title
                   : !reader.first_title().empty() ? reader.first_title()
                                                   : reader.first_heading();
  document.title = truncate_utf8(document.title, 200);
  return document;
}

}  // namespace parley
