#include "kb/extract/html.h"

#include <gumbo.h>

#include <algorithm>
#include <boost/url.hpp>
#include <memory>
#include <string>
#include <unordered_set>

namespace parley {
namespace {

// Deeper trees are hostile or broken; what lies below is ignored rather than risking the
// stack, since the walkers here are recursive.
constexpr int kMaxDepth = 400;

const GumboVector& children_of(const GumboNode* node) { return node->v.element.children; }
const GumboNode* child(const GumboVector& children, unsigned i) {
  return static_cast<const GumboNode*>(children.data[i]);
}
bool is_element(const GumboNode* node) { return node->type == GUMBO_NODE_ELEMENT; }
bool is_text(const GumboNode* node) {
  return node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE ||
         node->type == GUMBO_NODE_CDATA;
}
GumboTag tag_of(const GumboNode* node) { return node->v.element.tag; }

std::string_view attribute(const GumboNode* node, const char* name) {
  const GumboAttribute* attr = gumbo_get_attribute(&node->v.element.attributes, name);
  return attr ? std::string_view(attr->value) : std::string_view();
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// Whether a space-separated attribute value (rel, role, robots content) holds `token`.
bool has_token(std::string_view list, std::string_view token) {
  std::string text = lower(list);
  for (char& c : text) {
    if (c == ',') c = ' ';
  }
  size_t pos = 0;
  while ((pos = text.find_first_not_of(" \t\r\n\f", pos)) != std::string::npos) {
    size_t end = std::min(text.find_first_of(" \t\r\n\f", pos), text.size());
    if (std::string_view(text).substr(pos, end - pos) == token) return true;
    pos = end;
  }
  return false;
}

// Runs of whitespace, including U+00A0 (what &nbsp; decodes to), become one space; the ends
// are trimmed.
std::string collapse_whitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    bool nbsp = c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xA0;
    if (is_space(c) || nbsp) {
      i += nbsp ? 1 : 0;
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(static_cast<char>(c));
  }
  return out;
}

// ---- what is not main content ------------------------------------------------------------

bool is_dropped_tag(GumboTag tag) {
  static constexpr GumboTag kTags[] = {
      GUMBO_TAG_SCRIPT, GUMBO_TAG_STYLE,  GUMBO_TAG_NOSCRIPT, GUMBO_TAG_TEMPLATE,
      GUMBO_TAG_SVG,    GUMBO_TAG_MATH,   GUMBO_TAG_IFRAME,   GUMBO_TAG_FORM,
      GUMBO_TAG_BUTTON, GUMBO_TAG_SELECT, GUMBO_TAG_TEXTAREA, GUMBO_TAG_NAV,
      GUMBO_TAG_HEADER, GUMBO_TAG_FOOTER, GUMBO_TAG_ASIDE,    GUMBO_TAG_OBJECT,
      GUMBO_TAG_EMBED,  GUMBO_TAG_CANVAS, GUMBO_TAG_HEAD,     GUMBO_TAG_MENU};
  return std::find(std::begin(kTags), std::end(kTags), tag) != std::end(kTags);
}

// A class or id naming page chrome, matched by whole parts split on - and _, so that
// "main-menu" and "cookie_notice" match while "menuitem" does not.
bool names_chrome(std::string_view list) {
  static const std::unordered_set<std::string_view> kChrome = {
      "nav",     "navbar",  "navigation",    "menu",    "menubar",    "footer",      "sidebar",
      "cookie",  "cookies", "consent",       "gdpr",    "breadcrumb", "breadcrumbs", "share",
      "sharing", "social",  "skiplink",      "toolbar", "masthead",   "newsletter",  "popup",
      "modal",   "advert",  "advertisement", "banner",  "subnav",     "topbar",      "offcanvas"};
  std::string text = lower(list);
  size_t pos = 0;
  while ((pos = text.find_first_not_of(" \t\r\n\f", pos)) != std::string::npos) {
    size_t end = std::min(text.find_first_of(" \t\r\n\f", pos), text.size());
    std::string_view name = std::string_view(text).substr(pos, end - pos);
    pos = end;
    // "has-sidebar", "no-cookies": a state of the page's wrapper, not chrome itself.
    if (name.starts_with("has-") || name.starts_with("with-") || name.starts_with("no-") ||
        name.starts_with("is-")) {
      continue;
    }
    for (size_t part = 0; part <= name.size();) {
      size_t stop = std::min(name.find_first_of("-_", part), name.size());
      if (kChrome.count(name.substr(part, stop - part))) return true;
      part = stop + 1;
    }
  }
  return false;
}

bool is_hidden(const GumboNode* node) {
  if (gumbo_get_attribute(&node->v.element.attributes, "hidden")) return true;
  if (lower(attribute(node, "aria-hidden")) == "true") return true;
  std::string style = lower(attribute(node, "style"));
  std::erase_if(style, [](char c) { return is_space(c); });
  return style.find("display:none") != std::string::npos ||
         style.find("visibility:hidden") != std::string::npos;
}

bool is_chrome_role(std::string_view role) {
  for (auto name : {"navigation", "banner", "contentinfo", "complementary", "search", "menu",
                    "menubar", "dialog"}) {
    if (has_token(role, name)) return true;
  }
  return false;
}

struct DropRules {
  bool by_class = true;  // off for the second try, when class names removed everything
};

bool is_dropped(const GumboNode* node, const DropRules& rules) {
  GumboTag tag = tag_of(node);
  if (is_dropped_tag(tag) || is_hidden(node) || is_chrome_role(attribute(node, "role"))) {
    return true;
  }
  // The page's frame and its content containers are never chrome by class name.
  if (!rules.by_class || tag == GUMBO_TAG_HTML || tag == GUMBO_TAG_BODY || tag == GUMBO_TAG_MAIN ||
      tag == GUMBO_TAG_ARTICLE) {
    return false;
  }
  return names_chrome(attribute(node, "class")) || names_chrome(attribute(node, "id"));
}

// ---- the content root: <main>, else the only <article>, else <body> ----------------------

template <typename Match>
void find_all(const GumboNode* node, const DropRules& rules, int depth, const Match& match,
              std::vector<const GumboNode*>& found) {
  if (!is_element(node) || depth > kMaxDepth || (depth > 0 && is_dropped(node, rules))) return;
  if (match(node)) found.push_back(node);
  const GumboVector& children = children_of(node);
  for (unsigned i = 0; i < children.length; ++i) {
    find_all(child(children, i), rules, depth + 1, match, found);
  }
}

// Several articles are a listing whose content is all of them, so then the body it is.
const GumboNode* content_root(const GumboNode* root, const DropRules& rules) {
  std::vector<const GumboNode*> found;
  find_all(
      root, rules, 0,
      [](const GumboNode* n) {
        return tag_of(n) == GUMBO_TAG_MAIN || has_token(attribute(n, "role"), "main");
      },
      found);
  if (!found.empty()) return found.front();
  find_all(
      root, rules, 0, [](const GumboNode* n) { return tag_of(n) == GUMBO_TAG_ARTICLE; }, found);
  if (found.size() == 1) return found.front();
  found.clear();
  find_all(
      root, rules, 0, [](const GumboNode* n) { return tag_of(n) == GUMBO_TAG_BODY; }, found);
  return found.empty() ? root : found.front();
}

// ---- text of an element ------------------------------------------------------------------

// Inline elements whose text joins its neighbours without a space ("<b>Par</b>ley").
bool is_gluing_inline(GumboTag tag) {
  static constexpr GumboTag kTags[] = {
      GUMBO_TAG_A,   GUMBO_TAG_B,      GUMBO_TAG_STRONG, GUMBO_TAG_I,     GUMBO_TAG_EM,
      GUMBO_TAG_U,   GUMBO_TAG_S,      GUMBO_TAG_CODE,   GUMBO_TAG_SMALL, GUMBO_TAG_SUB,
      GUMBO_TAG_SUP, GUMBO_TAG_MARK,   GUMBO_TAG_ABBR,   GUMBO_TAG_CITE,  GUMBO_TAG_Q,
      GUMBO_TAG_KBD, GUMBO_TAG_VAR,    GUMBO_TAG_TIME,   GUMBO_TAG_DATA,  GUMBO_TAG_DEL,
      GUMBO_TAG_INS, GUMBO_TAG_FONT,   GUMBO_TAG_BDI,    GUMBO_TAG_BDO,   GUMBO_TAG_TT,
      GUMBO_TAG_BIG, GUMBO_TAG_STRIKE, GUMBO_TAG_WBR};
  return std::find(std::begin(kTags), std::end(kTags), tag) != std::end(kTags);
}

// Appends the text below `node`; every element that is not a gluing inline one is set off
// by spaces, so text in neighbouring cells, spans or divs never runs together.
void append_text(const GumboNode* node, const DropRules* rules, int depth, std::string& out) {
  if (is_text(node)) {
    out += node->v.text.text;
    return;
  }
  if (!is_element(node) || depth > kMaxDepth || (rules && is_dropped(node, *rules))) return;
  bool glue = is_gluing_inline(tag_of(node));
  if (!glue) out.push_back(' ');
  const GumboVector& children = children_of(node);
  for (unsigned i = 0; i < children.length; ++i) {
    append_text(child(children, i), rules, depth + 1, out);
  }
  if (!glue) out.push_back(' ');
}

std::string text_of(const GumboNode* node, const DropRules* rules) {
  std::string raw;
  append_text(node, rules, 0, raw);
  return collapse_whitespace(raw);
}

// ---- blocks ------------------------------------------------------------------------------

bool is_block_container(GumboTag tag) {
  static constexpr GumboTag kTags[] = {
      GUMBO_TAG_P,       GUMBO_TAG_DIV,        GUMBO_TAG_SECTION,  GUMBO_TAG_ARTICLE,
      GUMBO_TAG_MAIN,    GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_FIGURE,   GUMBO_TAG_FIGCAPTION,
      GUMBO_TAG_ADDRESS, GUMBO_TAG_DT,         GUMBO_TAG_DD,       GUMBO_TAG_DETAILS,
      GUMBO_TAG_SUMMARY, GUMBO_TAG_CENTER,     GUMBO_TAG_FIELDSET, GUMBO_TAG_BODY,
      GUMBO_TAG_HTML,    GUMBO_TAG_HR,         GUMBO_TAG_CAPTION,  GUMBO_TAG_HGROUP};
  return std::find(std::begin(kTags), std::end(kTags), tag) != std::end(kTags);
}

int heading_level(GumboTag tag) {
  return tag >= GUMBO_TAG_H1 && tag <= GUMBO_TAG_H6 ? tag - GUMBO_TAG_H1 + 1 : 0;
}

// A table used for layout holds headings or other tables; its content is read as blocks.
bool is_layout_table(const GumboNode* table) {
  std::vector<const GumboNode*> found;
  DropRules none{false};
  const GumboVector& children = children_of(table);
  for (unsigned i = 0; i < children.length; ++i) {
    find_all(
        child(children, i), none, 1,
        [](const GumboNode* n) {
          return tag_of(n) == GUMBO_TAG_TABLE || heading_level(tag_of(n)) > 0;
        },
        found);
  }
  return !found.empty();
}

void collect_rows(const GumboNode* node, const DropRules& rules, int depth,
                  std::vector<std::string>& rows) {
  if (!is_element(node) || depth > kMaxDepth || is_dropped(node, rules)) return;
  const GumboVector& children = children_of(node);
  if (tag_of(node) != GUMBO_TAG_TR) {
    for (unsigned i = 0; i < children.length; ++i) {
      collect_rows(child(children, i), rules, depth + 1, rows);
    }
    return;
  }
  std::string row;
  bool any = false;
  int cells = 0;
  for (unsigned i = 0; i < children.length; ++i) {
    const GumboNode* cell = child(children, i);
    if (!is_element(cell) || (tag_of(cell) != GUMBO_TAG_TD && tag_of(cell) != GUMBO_TAG_TH)) {
      continue;
    }
    std::string text = text_of(cell, &rules);
    any = any || !text.empty();
    if (cells++ > 0) row += " | ";
    row += text;
  }
  if (any) rows.push_back(std::move(row));
}

void append_code(const GumboNode* node, int depth, std::string& out) {
  if (is_text(node)) out += node->v.text.text;
  if (!is_element(node) || depth > kMaxDepth) return;
  if (tag_of(node) == GUMBO_TAG_BR) out += '\n';
  const GumboVector& children = children_of(node);
  for (unsigned i = 0; i < children.length; ++i) append_code(child(children, i), depth + 1, out);
}

// Text of a <pre> as written: line breaks kept, outer blank lines dropped.
std::string code_text(const GumboNode* node) {
  std::string raw;
  append_code(node, 0, raw);
  size_t first = raw.find_first_not_of("\r\n");
  if (first == std::string::npos) return "";
  size_t last = raw.find_last_not_of(" \t\r\n");
  return raw.substr(first, last - first + 1);
}

class BlockBuilder {
 public:
  explicit BlockBuilder(const DropRules& rules) : rules_(rules) {}

  std::vector<Block> build(const GumboNode* root) {
    walk(root, 0);
    flush();
    return std::move(blocks_);
  }

 private:
  void flush() {
    std::string text = collapse_whitespace(pending_);
    pending_.clear();
    if (text.empty()) return;
    blocks_.push_back(Block{kind_, kind_ == BlockKind::list_item ? level_ : 0, std::move(text)});
  }

  void push(BlockKind kind, int level, std::string text) {
    if (!text.empty()) blocks_.push_back(Block{kind, level, std::move(text)});
  }

  void walk_children(const GumboNode* node, int depth) {
    const GumboVector& children = children_of(node);
    for (unsigned i = 0; i < children.length; ++i) walk(child(children, i), depth + 1);
  }

  void walk(const GumboNode* node, int depth) {
    if (is_text(node)) {
      pending_ += node->v.text.text;
      return;
    }
    if (!is_element(node) || depth > kMaxDepth || (depth > 0 && is_dropped(node, rules_))) {
      return;
    }
    GumboTag tag = tag_of(node);
    if (int level = heading_level(tag)) {
      flush();
      push(BlockKind::heading, level, text_of(node, &rules_));
    } else if (tag == GUMBO_TAG_UL || tag == GUMBO_TAG_OL || tag == GUMBO_TAG_DL) {
      flush();
      ++list_depth_;
      walk_children(node, depth);
      flush();
      --list_depth_;
    } else if (tag == GUMBO_TAG_LI) {
      flush();
      auto [saved_kind, saved_level] = std::pair(kind_, level_);
      kind_ = BlockKind::list_item;
      level_ = std::max(1, list_depth_);
      walk_children(node, depth);
      flush();
      kind_ = saved_kind;
      level_ = saved_level;
    } else if (tag == GUMBO_TAG_TABLE && !is_layout_table(node)) {
      flush();
      std::vector<std::string> rows;
      collect_rows(node, rules_, depth, rows);
      std::string text;
      for (const auto& row : rows) text += (text.empty() ? "" : "\n") + row;
      push(BlockKind::table, 0, std::move(text));
    } else if (tag == GUMBO_TAG_PRE) {
      flush();
      push(BlockKind::code, 0, code_text(node));
    } else if (tag == GUMBO_TAG_BR || tag == GUMBO_TAG_IMG) {
      pending_ += ' ';
    } else if (is_block_container(tag) || tag == GUMBO_TAG_TABLE || tag == GUMBO_TAG_TR ||
               tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH) {
      flush();
      walk_children(node, depth);
      flush();
    } else {
      bool glue = is_gluing_inline(tag);
      if (!glue) pending_ += ' ';
      walk_children(node, depth);
      if (!glue) pending_ += ' ';
    }
  }

  const DropRules& rules_;
  std::vector<Block> blocks_;
  std::string pending_;  // inline text of the block being read
  BlockKind kind_ = BlockKind::paragraph;
  int level_ = 0;
  int list_depth_ = 0;
};

// ---- page metadata, from the whole page ---------------------------------------------------

struct PageFacts {
  std::string title, first_h1, lang, base_href, canonical_href;
  bool noindex = false, nofollow = false;
  std::vector<std::string> hrefs;  // followable <a href>s, in document order
};

void gather_facts(const GumboNode* node, int depth, PageFacts& facts) {
  if (!is_element(node) || depth > kMaxDepth) return;
  switch (tag_of(node)) {
    case GUMBO_TAG_HTML:
      facts.lang = collapse_whitespace(attribute(node, "lang"));
      break;
    case GUMBO_TAG_TITLE:  // not an <svg>'s <title>, which labels a picture
      if (facts.title.empty() && node->v.element.tag_namespace == GUMBO_NAMESPACE_HTML) {
        facts.title = text_of(node, nullptr);
      }
      return;
    case GUMBO_TAG_H1:
      if (facts.first_h1.empty()) facts.first_h1 = text_of(node, nullptr);
      break;
    case GUMBO_TAG_BASE:
      if (facts.base_href.empty()) facts.base_href = attribute(node, "href");
      break;
    case GUMBO_TAG_LINK:
      if (has_token(attribute(node, "rel"), "canonical") && facts.canonical_href.empty()) {
        facts.canonical_href = attribute(node, "href");
      }
      break;
    case GUMBO_TAG_META:
      if (lower(collapse_whitespace(attribute(node, "name"))) == "robots") {
        std::string_view content = attribute(node, "content");
        bool none = has_token(content, "none");
        facts.noindex = facts.noindex || none || has_token(content, "noindex");
        facts.nofollow = facts.nofollow || none || has_token(content, "nofollow");
      }
      break;
    case GUMBO_TAG_A:
      if (gumbo_get_attribute(&node->v.element.attributes, "href") &&
          !has_token(attribute(node, "rel"), "nofollow")) {
        facts.hrefs.emplace_back(attribute(node, "href"));
      }
      break;
    default:
      break;
  }
  const GumboVector& children = children_of(node);
  for (unsigned i = 0; i < children.length; ++i) gather_facts(child(children, i), depth + 1, facts);
}

// An href made absolute against `base`; empty unless it is http(s). Browsers strip the
// whitespace around an href and ignore tabs and newlines inside it; spaces are escaped.
std::string resolve_http(std::string_view base, std::string_view href) {
  std::string cleaned;
  for (char c : collapse_whitespace(href)) {
    if (c == ' ')
      cleaned += "%20";
    else if (c != '\t' && c != '\n' && c != '\r')
      cleaned += c;
  }
  auto ref = boost::urls::parse_uri_reference(cleaned);
  if (!ref) return "";
  boost::urls::url out;
  if (ref->has_scheme()) {
    out = *ref;
  } else {
    auto base_url = boost::urls::parse_uri(base);
    if (!base_url || !boost::urls::resolve(*base_url, *ref, out)) return "";
  }
  out.normalize_scheme();
  if (out.scheme() != "http" && out.scheme() != "https") return "";
  if (!out.has_authority() || out.host().empty()) return "";
  out.remove_fragment();
  out.normalize_authority();
  return std::string(out.buffer());
}

}  // namespace

Result<Document> extract_html(std::string_view html, std::string_view base_url) {
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 16;  // never read; an unbounded list only costs memory on junk
  std::unique_ptr<GumboOutput, void (*)(GumboOutput*)> output(
      gumbo_parse_with_options(&options, html.data(), html.size()),
      [](GumboOutput* o) { gumbo_destroy_output(&kGumboDefaultOptions, o); });
  if (!output) return make_error(ErrorCode::invalid_argument, "the HTML page could not be read");

  PageFacts facts;
  gather_facts(output->root, 0, facts);
  Document doc;
  doc.language = facts.lang;
  doc.noindex = facts.noindex;
  doc.nofollow = facts.nofollow;

  std::string base(base_url);
  if (!facts.base_href.empty()) {
    std::string from_tag = resolve_http(base, facts.base_href);
    if (!from_tag.empty()) base = from_tag;
  }
  if (!facts.canonical_href.empty()) doc.canonical_url = resolve_http(base, facts.canonical_href);
  std::unordered_set<std::string> seen;
  for (const auto& href : facts.hrefs) {
    std::string url = resolve_http(base, href);
    if (!url.empty() && seen.insert(url).second) doc.links.push_back(std::move(url));
  }

  // Class names are a guess; when they remove everything, the guess was wrong.
  for (bool by_class : {true, false}) {
    DropRules rules{by_class};
    doc.blocks = BlockBuilder(rules).build(content_root(output->root, rules));
    if (!doc.blocks.empty()) break;
  }

  doc.title = facts.title;
  if (doc.title.empty()) {
    for (const auto& block : doc.blocks) {
      if (block.kind == BlockKind::heading && block.level == 1) {
        doc.title = block.text;
        break;
      }
    }
  }
  if (doc.title.empty()) doc.title = facts.first_h1;
  return doc;
}

}  // namespace parley
