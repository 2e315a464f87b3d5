#include "core/keyring.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstring>
#include <shared_mutex>
#include <unordered_map>

#include "core/keyring_format.h"
#include "core/keyring_io.h"
#include "core/sodium.h"

namespace parley {
namespace fs = std::filesystem;
using keyring_internal::bytes_of;
using keyring_internal::check_header;
using keyring_internal::Fd;
using keyring_internal::fsync_dir;
using keyring_internal::header_record;
using keyring_internal::io_error;
using keyring_internal::key_record;
using keyring_internal::kKeyBytes;
using keyring_internal::kMaxOwnerBytes;
using keyring_internal::kNonceBytes;
using keyring_internal::kTagBytes;
using keyring_internal::open_sealed;
using keyring_internal::parse_records;
using keyring_internal::ParsedKey;
using keyring_internal::read_whole;
using keyring_internal::rename_into_place;
using keyring_internal::unwrap_key;
using keyring_internal::write_all;

namespace {

struct SodiumFree {
  void operator()(uint8_t* p) const { sodium_free(p); }
};
using SecretBytes = std::unique_ptr<uint8_t, SodiumFree>;

// Guarded, locked (best effort), zeroed on free.
SecretBytes secret_alloc(size_t size) {
  auto* p = static_cast<uint8_t*>(sodium_malloc(size));
  if (p == nullptr) throw std::bad_alloc();
  return SecretBytes(p);
}

// Unwrapped data keys in fixed slots of sodium_malloc'd pages. One allocation per key would
// cost three pages each (guards and canary) for the many thousands of visitor keys.
class KeyPool {
 public:
  uint32_t add(const uint8_t* key) {
    uint32_t slot;
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
    } else {
      if (next_ % kSlotsPerChunk == 0) chunks_.push_back(secret_alloc(kChunkBytes));
      slot = next_++;
    }
    std::memcpy(at_mut(slot), key, kKeyBytes);
    return slot;
  }
  const uint8_t* at(uint32_t slot) const {
    return chunks_[slot / kSlotsPerChunk].get() + (slot % kSlotsPerChunk) * kKeyBytes;
  }
  void remove(uint32_t slot) {
    sodium_memzero(at_mut(slot), kKeyBytes);
    free_.push_back(slot);
  }

 private:
  static constexpr uint32_t kSlotsPerChunk = 128;
  static constexpr size_t kChunkBytes = kSlotsPerChunk * kKeyBytes;  // one 4 KiB page
  uint8_t* at_mut(uint32_t slot) { return const_cast<uint8_t*>(at(slot)); }

  std::vector<SecretBytes> chunks_;
  std::vector<uint32_t> free_;
  uint32_t next_ = 0;
};

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

std::string seal_ad(const SealContext& where) {
  std::string ad;
  ad.reserve(where.table.size() + where.column.size() + where.row_id.size() + 2);
  ad.append(where.table).push_back('\0');
  ad.append(where.column).push_back('\0');
  ad.append(where.row_id);
  return ad;
}

}  // namespace

struct Keyring::Impl {
  fs::path path;
  Fd lock_fd;  // flock held for the Keyring's life: one process writes the file

  // Writers (appends, rewrites) and the master key; taken before keys_mutex.
  std::mutex file_mutex;
  Fd append_fd;
  size_t file_size = 0;  // bytes of whole records; appends start here
  bool partial_tail = false;
  SecretBytes master = secret_alloc(kKeyBytes);

  mutable std::shared_mutex keys_mutex;  // seal/open share it; adding or removing a key not
  KeyPool pool;
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> slots;

  const uint8_t* find(std::string_view owner) const {
    auto it = slots.find(owner);
    return it == slots.end() ? nullptr : pool.at(it->second);
  }

  Status reopen_append() {
    append_fd.reset(::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
    if (!append_fd.valid()) return io_error("could not open", path);
    return ok_status();
  }

  // Appends one record durably. A failed append is cut off the file (now, or before the
  // next append) so that no partial record ends up in the middle.
  Status append(std::string_view record) {
    if (!append_fd.valid()) {
      if (Status s = reopen_append(); !s) return s;
    }
    if (partial_tail) {
      if (::ftruncate(append_fd.get(), static_cast<off_t>(file_size)) != 0) {
        return io_error("could not cut a failed write off", path);
      }
      partial_tail = false;
    }
    Status written = write_all(append_fd.get(), record, path);
    if (written && ::fdatasync(append_fd.get()) != 0) written = io_error("could not sync", path);
    if (!written) {
      partial_tail = ::ftruncate(append_fd.get(), static_cast<off_t>(file_size)) != 0;
      return written;
    }
    file_size += record.size();
    return ok_status();
  }

  // Refuses a second Keyring on the same file, in this process or another.
  Status lock() {
    fs::path lock_path = path;
    lock_path += ".lock";
    lock_fd.reset(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!lock_fd.valid()) return io_error("could not open", lock_path);
    if (::flock(lock_fd.get(), LOCK_EX | LOCK_NB) == 0) return ok_status();
    if (errno != EWOULDBLOCK) return io_error("could not lock", lock_path);
    return make_error(ErrorCode::unavailable,
                      "the keyring at " + path.string() +
                          " is in use by another Parley process (is the server running?)");
  }

  // A new keyring: the header only, written in one rename so it is never seen half-made.
  Status create() {
    std::string content = header_record(master.get());
    if (Status s = rename_into_place(path, content); !s) return s;
    file_size = content.size();
    return fsync_dir(path);
  }

  Status load(int fd, std::string_view key_hint) {
    auto file = read_whole(fd, path);
    if (!file) return file.error();
    auto parsed = parse_records(*file, path);
    if (!parsed) return parsed.error();
    if (Status s = check_header(parsed->header_body, master.get(), path, key_hint); !s) return s;

    auto data_key = secret_alloc(kKeyBytes);
    for (const ParsedKey& key : parsed->keys) {
      if (!unwrap_key(data_key.get(), key, master.get())) {
        return make_error(ErrorCode::internal,
                          "the keyring at " + path.string() + " holds a damaged key for " +
                              std::string(key.owner) + ": restore it from your keyring backup");
      }
      if (!slots.emplace(std::string(key.owner), pool.add(data_key.get())).second) {
        return make_error(ErrorCode::internal, "the keyring at " + path.string() +
                                                   " holds two keys for " + std::string(key.owner));
      }
    }

    if (parsed->valid_bytes < file->size()) {
      // A torn append: its key was never acknowledged, so nothing was sealed with it. Cut it
      // off so the next append does not land behind it.
      if (::ftruncate(fd, static_cast<off_t>(parsed->valid_bytes)) != 0 || ::fsync(fd) != 0) {
        return io_error("could not drop the torn last record of", path);
      }
    }
    file_size = parsed->valid_bytes;
    return ok_status();
  }

  struct Rewritten {
    bool replaced = false;  // the new file is in place, even if a later sync failed
    Status status = ok_status();
  };

  // Writes the whole file anew without `skip_owner`'s key, wrapping under `new_master` when
  // given (then adopted) or the current master. Holds keys_mutex shared only, so seal and
  // open go on meanwhile; the caller holds file_mutex.
  Rewritten rewrite(std::string_view skip_owner, SecretBytes new_master = nullptr) {
    const uint8_t* wrap = new_master ? new_master.get() : master.get();
    std::string content = header_record(wrap);
    {
      std::shared_lock lock(keys_mutex);
      content.reserve(content.size() + slots.size() * 128);
      for (const auto& [owner, slot] : slots) {
        if (owner != skip_owner) content += key_record(owner, pool.at(slot), wrap);
      }
    }
    if (Status s = rename_into_place(path, content); !s) return {false, s};
    // From here memory must follow the new file whatever fails next: appends wrapped under
    // the old master, or sent to the replaced file, would be lost keys.
    if (new_master) master = std::move(new_master);
    file_size = content.size();
    partial_tail = false;
    Status reopened = reopen_append();
    Status synced = fsync_dir(path);
    return {true, !reopened ? reopened : synced};
  }
};

Keyring::Keyring(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Keyring::~Keyring() = default;

Result<std::unique_ptr<Keyring>> Keyring::open(const fs::path& path,
                                               const std::vector<uint8_t>& master_key,
                                               std::string_view key_hint) {
  ensure_sodium();
  if (master_key.size() != kKeyBytes) {
    return make_error(ErrorCode::invalid_argument, "the master key must be 32 bytes (got " +
                                                       std::to_string(master_key.size()) + ")");
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  std::memcpy(impl->master.get(), master_key.data(), kKeyBytes);
  if (Status s = impl->lock(); !s) return s.error();

  Fd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
  if (!fd.valid() && errno != ENOENT) return io_error("could not open", path);
  Status loaded = fd.valid() ? impl->load(fd.get(), key_hint) : impl->create();
  if (!loaded) return loaded.error();
  if (Status s = impl->reopen_append(); !s) return s.error();
  return std::unique_ptr<Keyring>(new Keyring(std::move(impl)));
}

Status Keyring::ensure_key(std::string_view owner_id) {
  if (owner_id.empty() || owner_id.size() > kMaxOwnerBytes) {
    return make_error(
        ErrorCode::invalid_argument,
        "a key owner id must be 1 to 255 bytes long (got " + std::to_string(owner_id.size()) + ")");
  }
  if (has_key(owner_id)) return ok_status();

  std::lock_guard file_lock(impl_->file_mutex);
  if (has_key(owner_id)) return ok_status();  // another thread made it while we waited
  auto dek = secret_alloc(kKeyBytes);
  crypto_aead_xchacha20poly1305_ietf_keygen(dek.get());
  // Durable before anyone can seal with it: a key lost in a crash would strand its data.
  if (Status s = impl_->append(key_record(owner_id, dek.get(), impl_->master.get())); !s) {
    return s;
  }
  std::unique_lock keys_lock(impl_->keys_mutex);
  impl_->slots.emplace(std::string(owner_id), impl_->pool.add(dek.get()));
  return ok_status();
}

bool Keyring::has_key(std::string_view owner_id) const {
  std::shared_lock lock(impl_->keys_mutex);
  return impl_->find(owner_id) != nullptr;
}

Status Keyring::destroy_key(std::string_view owner_id) {
  std::lock_guard file_lock(impl_->file_mutex);
  if (!has_key(owner_id)) return ok_status();
  Impl::Rewritten rewritten = impl_->rewrite(owner_id);
  if (rewritten.replaced) {
    std::unique_lock keys_lock(impl_->keys_mutex);
    auto it = impl_->slots.find(owner_id);
    impl_->pool.remove(it->second);
    impl_->slots.erase(it);
  }
  return rewritten.status;
}

Result<std::vector<uint8_t>> Keyring::seal(std::string_view owner_id, const SealContext& where,
                                           std::string_view plaintext) {
  // Twice: a destroy_key racing between ensure_key and the seal removes the fresh key.
  for (int attempt = 0; attempt < 2; ++attempt) {
    {
      std::shared_lock lock(impl_->keys_mutex);
      if (const uint8_t* key = impl_->find(owner_id)) {
        std::string ad = seal_ad(where);
        std::vector<uint8_t> out(kNonceBytes + plaintext.size() + kTagBytes);
        randombytes_buf(out.data(), kNonceBytes);
        crypto_aead_xchacha20poly1305_ietf_encrypt(
            out.data() + kNonceBytes, nullptr, bytes_of(plaintext), plaintext.size(), bytes_of(ad),
            ad.size(), nullptr, out.data(), key);
        return out;
      }
    }
    if (Status s = ensure_key(owner_id); !s) return s.error();
  }
  return make_error(ErrorCode::not_found,
                    "the key of " + std::string(owner_id) + " was destroyed while sealing");
}

Result<std::string> Keyring::open(std::string_view owner_id, const SealContext& where,
                                  const std::vector<uint8_t>& sealed) const {
  std::shared_lock lock(impl_->keys_mutex);
  const uint8_t* key = impl_->find(owner_id);
  if (key == nullptr) {
    return make_error(ErrorCode::not_found,
                      "no key for " + std::string(owner_id) + ": it was destroyed or never made");
  }
  if (sealed.size() < kNonceBytes + kTagBytes) {
    return make_error(ErrorCode::invalid_argument, "the sealed value is too short");
  }
  std::string plain(sealed.size() - kNonceBytes - kTagBytes, '\0');
  std::string_view sealed_view(reinterpret_cast<const char*>(sealed.data()), sealed.size());
  if (!open_sealed(reinterpret_cast<uint8_t*>(plain.data()), sealed_view, key, seal_ad(where))) {
    return make_error(ErrorCode::invalid_argument,
                      "the sealed value does not open here: altered, or moved from another "
                      "table, column or row");
  }
  return plain;
}

Status Keyring::rotate_master(const std::vector<uint8_t>& new_master_key) {
  if (new_master_key.size() != kKeyBytes) {
    return make_error(ErrorCode::invalid_argument, "the new master key must be 32 bytes (got " +
                                                       std::to_string(new_master_key.size()) + ")");
  }
  auto next = secret_alloc(kKeyBytes);
  std::memcpy(next.get(), new_master_key.data(), kKeyBytes);
  std::lock_guard file_lock(impl_->file_mutex);
  return impl_->rewrite({}, std::move(next)).status;
}

size_t Keyring::key_count() const {
  std::shared_lock lock(impl_->keys_mutex);
  return impl_->slots.size();
}

}  // namespace parley
