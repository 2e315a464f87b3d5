#include "kb/extract/office_xml.h"

namespace parley {

std::string_view local_name(const char* name) {
  std::string_view full(name);
  size_t colon = full.find(':');
  return colon == std::string_view::npos ? full : full.substr(colon + 1);
}

bool is(pugi::xml_node node, std::string_view name) { return local_name(node.name()) == name; }

pugi::xml_node child(pugi::xml_node node, std::string_view name) {
  for (pugi::xml_node c : node.children()) {
    if (is(c, name)) return c;
  }
  return {};
}

std::string_view attribute(pugi::xml_node node, std::string_view name) {
  for (pugi::xml_attribute a : node.attributes()) {
    if (local_name(a.name()) == name) return a.value();
  }
  return {};
}

}  // namespace parley
