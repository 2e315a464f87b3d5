#include "kb/extract/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <string>

namespace parley {
namespace {

// Deeper nesting (">>>>>..." or lists in lists) is hostile; what lies below is ignored
// rather than risking the stack, since the walk is recursive.
constexpr int kMaxDepth = 400;

bool is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

std::string collapse_whitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (char c : text) {
    if (is_space(static_cast<unsigned char>(c))) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

bool type_is(cmark_node* node, const char* name) {
  const char* type = cmark_node_get_type_string(node);
  return type && std::strcmp(type, name) == 0;
}

// Inline content as plain text: emphasis and links keep their text, images and raw HTML
// go (an image's alt text in a README is mostly badges), line breaks become spaces.
void append_inline(cmark_node* node, int depth, std::string& out) {
  if (depth > kMaxDepth) return;
  switch (cmark_node_get_type(node)) {
    case CMARK_NODE_TEXT:
    case CMARK_NODE_CODE:
      out += cmark_node_get_literal(node);
      return;
    case CMARK_NODE_SOFTBREAK:
    case CMARK_NODE_LINEBREAK:
      out += ' ';
      return;
    case CMARK_NODE_IMAGE:
    case CMARK_NODE_HTML_INLINE:
    case CMARK_NODE_FOOTNOTE_REFERENCE:
      return;
    default:
      for (cmark_node* c = cmark_node_first_child(node); c; c = cmark_node_next(c)) {
        append_inline(c, depth + 1, out);
      }
  }
}

std::string inline_text(cmark_node* node) {
  std::string raw;
  append_inline(node, 0, raw);
  return collapse_whitespace(raw);
}

std::string table_text(cmark_node* table) {
  std::string text;
  for (cmark_node* row = cmark_node_first_child(table); row; row = cmark_node_next(row)) {
    std::string line;
    bool any = false;
    int cells = 0;
    for (cmark_node* cell = cmark_node_first_child(row); cell; cell = cmark_node_next(cell)) {
      std::string cell_text = inline_text(cell);
      any = any || !cell_text.empty();
      if (cells++ > 0) line += " | ";
      line += cell_text;
    }
    if (!any) continue;
    if (!text.empty()) text += '\n';
    text += line;
  }
  return text;
}

std::string code_text(cmark_node* node) {
  std::string text = cmark_node_get_literal(node) ? cmark_node_get_literal(node) : "";
  while (!text.empty() && is_space(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text;
}

class BlockReader {
 public:
  std::vector<Block> read(cmark_node* document) {
    read_children(document, 0, 0);
    return std::move(blocks_);
  }

 private:
  void push(BlockKind kind, int level, std::string text) {
    if (!text.empty()) blocks_.push_back(Block{kind, level, std::move(text)});
  }

  // `list_depth` > 0 inside a list item: its paragraphs become list items of that depth.
  void read_children(cmark_node* parent, int list_depth, int depth) {
    for (cmark_node* c = cmark_node_first_child(parent); c; c = cmark_node_next(c)) {
      read_block(c, list_depth, depth + 1);
    }
  }

  void read_block(cmark_node* node, int list_depth, int depth) {
    if (depth > kMaxDepth) return;
    switch (cmark_node_get_type(node)) {
      case CMARK_NODE_HEADING:
        push(BlockKind::heading, cmark_node_get_heading_level(node), inline_text(node));
        return;
      case CMARK_NODE_PARAGRAPH:
        if (list_depth > 0) {
          push(BlockKind::list_item, list_depth, inline_text(node));
        } else {
          push(BlockKind::paragraph, 0, inline_text(node));
        }
        return;
      case CMARK_NODE_CODE_BLOCK:
        push(BlockKind::code, 0, code_text(node));
        return;
      case CMARK_NODE_LIST:
        for (cmark_node* item = cmark_node_first_child(node); item; item = cmark_node_next(item)) {
          read_children(item, list_depth + 1, depth + 1);
        }
        return;
      case CMARK_NODE_HTML_BLOCK:
      case CMARK_NODE_THEMATIC_BREAK:
        return;
      default:
        if (type_is(node, "table")) {
          push(BlockKind::table, 0, table_text(node));
        } else {
          read_children(node, list_depth, depth);  // block quotes, footnotes
        }
    }
  }

  std::vector<Block> blocks_;
};

// A YAML front matter block ("---\ntitle: x\n---") is metadata, not text; its title, when
// given, is the document's.
std::string_view strip_front_matter(std::string_view markdown, std::string& title) {
  if (!markdown.starts_with("---\n") && !markdown.starts_with("---\r\n")) return markdown;
  size_t pos = markdown.find('\n') + 1;
  while (pos < markdown.size()) {
    size_t end = markdown.find('\n', pos);
    if (end == std::string_view::npos) end = markdown.size();
    std::string_view line = markdown.substr(pos, end - pos);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line == "---" || line == "...") return markdown.substr(std::min(end + 1, markdown.size()));
    if (line.starts_with("title:")) {
      std::string value = collapse_whitespace(line.substr(6));
      if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
          value.back() == value.front()) {
        value = value.substr(1, value.size() - 2);
      }
      title = value;
    }
    pos = end + 1;
  }
  title.clear();  // no closing line: it was a thematic break, not front matter
  return markdown;
}

}  // namespace

Result<Document> extract_markdown(std::string_view markdown) {
  static std::once_flag registered;
  std::call_once(registered, [] { cmark_gfm_core_extensions_ensure_registered(); });

  Document doc;
  markdown = strip_front_matter(markdown, doc.title);

  std::unique_ptr<cmark_parser, void (*)(cmark_parser*)> parser(
      cmark_parser_new(CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8), cmark_parser_free);
  if (!parser) return make_error(ErrorCode::internal, "the Markdown reader could not start");
  for (const char* name : {"table", "strikethrough"}) {
    if (cmark_syntax_extension* extension = cmark_find_syntax_extension(name)) {
      cmark_parser_attach_syntax_extension(parser.get(), extension);
    }
  }
  cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
  std::unique_ptr<cmark_node, void (*)(cmark_node*)> root(cmark_parser_finish(parser.get()),
                                                          cmark_node_free);
  if (!root) return make_error(ErrorCode::invalid_argument, "the Markdown file could not be read");

  doc.blocks = BlockReader().read(root.get());
  if (doc.title.empty()) {
    for (const auto& block : doc.blocks) {
      if (block.kind == BlockKind::heading && block.level == 1) {
        doc.title = block.text;
        break;
      }
    }
  }
  return doc;
}

}  // namespace parley
