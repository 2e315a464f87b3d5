#include "store/database.h"

#include <cassert>

namespace parley {

int64_t Row::integer(size_t i) const {
  assert(std::holds_alternative<int64_t>(values_[i]));
  return std::get<int64_t>(values_[i]);
}

double Row::real(size_t i) const {
  if (auto* n = std::get_if<int64_t>(&values_[i])) return static_cast<double>(*n);
  assert(std::holds_alternative<double>(values_[i]));
  return std::get<double>(values_[i]);
}

const std::string& Row::text(size_t i) const {
  assert(std::holds_alternative<std::string>(values_[i]));
  return std::get<std::string>(values_[i]);
}

const Bytes& Row::bytes(size_t i) const {
  assert(std::holds_alternative<Bytes>(values_[i]));
  return std::get<Bytes>(values_[i]);
}

}  // namespace parley
