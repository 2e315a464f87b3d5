// One term's postings in the search index: for every chunk holding the term, its number
// and the term's frequency in each field, delta- and varint-coded in one byte array.
// Removed chunks stay in the list (skipped by the reader) until compact() drops them.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "search/index_memory.h"
#include "search/index_varint.h"

namespace parley {

inline constexpr int kIndexFields = 4;  // title, headings, body, question
using FieldFreqs = std::array<uint32_t, kIndexFields>;

class PostingList {
 public:
  // `doc` must not be in the list yet.
  void append(uint32_t doc, const FieldFreqs& freqs);
  // A chunk holding this term was removed: it no longer counts, its entry waits for compact().
  void mark_dead() {
    --live_;
    ++dead_;
  }
  // Drops every entry whose document `is_live` rejects; is_live(uint32_t) -> bool.
  template <typename IsLive>
  void compact(IsLive&& is_live);

  uint32_t live() const { return live_; }  // document frequency
  uint32_t dead() const { return dead_; }
  size_t memory_bytes() const { return heap_block_bytes(bytes_.capacity()); }

  // visit(uint32_t doc, const FieldFreqs&) for every entry, removed documents included.
  template <typename Visit>
  void for_each(Visit&& visit) const;
  // visit(uint32_t doc, float tf) for every entry, removed documents included: tf is the sum
  // over fields of the frequency times weights[field] (for the doc), with the common case of
  // one field computed alone. weights(uint32_t doc) -> const float* (kIndexFields of them).
  template <typename Weights, typename Visit>
  void for_each_weighted(Weights&& weights, Visit&& visit) const;

 private:
  // An entry: zigzag doc delta, then one byte holding field (bits 5-6) and frequency (1-31)
  // for the common single-field case, else 0x80 | field mask and one varint per field.
  std::vector<uint8_t> bytes_;
  uint32_t last_doc_ = 0;
  uint32_t live_ = 0;
  uint32_t dead_ = 0;
};

inline void PostingList::append(uint32_t doc, const FieldFreqs& freqs) {
  put_varint(bytes_, zigzag(static_cast<int64_t>(doc) - last_doc_));
  last_doc_ = doc;
  int fields = 0, field = 0;
  for (int f = 0; f < kIndexFields; ++f) {
    if (freqs[f] > 0) ++fields, field = f;
  }
  if (fields == 1 && freqs[field] < 32) {
    bytes_.push_back(static_cast<uint8_t>(field << 5 | freqs[field]));
  } else {
    uint8_t mask = 0;
    for (int f = 0; f < kIndexFields; ++f) mask |= freqs[f] > 0 ? 1 << f : 0;
    bytes_.push_back(0x80 | mask);
    for (int f = 0; f < kIndexFields; ++f) {
      if (freqs[f] > 0) put_varint(bytes_, freqs[f]);
    }
  }
  ++live_;
}

template <typename Visit>
void PostingList::for_each(Visit&& visit) const {
  const uint8_t* p = bytes_.data();
  const uint8_t* const end = p + bytes_.size();
  int64_t doc = 0;
  while (p < end) {
    doc += unzigzag(get_varint(p));
    const uint8_t header = *p++;
    FieldFreqs freqs{};
    if (header < 0x80) {
      freqs[header >> 5] = header & 31;
    } else {
      for (int f = 0; f < kIndexFields; ++f) {
        if (header & (1 << f)) freqs[f] = get_varint(p);
      }
    }
    visit(static_cast<uint32_t>(doc), freqs);
  }
}

template <typename Weights, typename Visit>
void PostingList::for_each_weighted(Weights&& weights, Visit&& visit) const {
  const uint8_t* p = bytes_.data();
  const uint8_t* const end = p + bytes_.size();
  int64_t doc = 0;
  while (p < end) {
    doc += unzigzag(get_varint(p));
    const float* weight = weights(static_cast<uint32_t>(doc));
    const uint8_t header = *p++;
    float tf = 0;
    if (header < 0x80) {
      tf = static_cast<float>(header & 31) * weight[header >> 5];
    } else {
      for (int f = 0; f < kIndexFields; ++f) {
        if (header & (1 << f)) tf += static_cast<float>(get_varint(p)) * weight[f];
      }
    }
    visit(static_cast<uint32_t>(doc), tf);
  }
}

template <typename IsLive>
void PostingList::compact(IsLive&& is_live) {
  PostingList kept;
  for_each([&](uint32_t doc, const FieldFreqs& freqs) {
    if (is_live(doc)) kept.append(doc, freqs);
  });
  kept.bytes_.shrink_to_fit();
  *this = std::move(kept);
}

}  // namespace parley
