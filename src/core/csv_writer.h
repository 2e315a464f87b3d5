// CSV for people's spreadsheets, as the exports write it: RFC 4180 fields (quoted when they
// hold a comma, a quote, CR or LF; quotes doubled), rows ended by CRLF, and a guard against
// CSV injection: a cell that starts with = + - @ tab or CR gets a leading ' so that a
// spreadsheet shows it as text instead of running it as a formula.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace parley {

// One field, guarded and quoted as needed.
std::string csv_cell(std::string_view value);
// The fields as one row, CRLF at its end.
void append_csv_row(std::string& out, const std::vector<std::string>& cells);

}  // namespace parley
