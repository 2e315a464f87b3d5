// Reading Office Open XML (DOCX, XLSX) parts with pugixml by local name: Word and Excel
// write the "w:" / default prefixes, but the prefix is the writer's choice, so elements
// and attributes are matched without it. Used by docx.cpp and xlsx.cpp.
#pragma once

#include <pugixml.hpp>
#include <string_view>

namespace parley {

std::string_view local_name(const char* name);
bool is(pugi::xml_node node, std::string_view name);
// The first child with this local name, or an empty node.
pugi::xml_node child(pugi::xml_node node, std::string_view name);
// The value of the attribute with this local name, or empty.
std::string_view attribute(pugi::xml_node node, std::string_view name);

}  // namespace parley
