#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/keyring_format.h"
#include "core/keyring_impl.h"

// How a Keyring follows the keyring file that other processes share (rules in keyring.h):
// readers never lock; writers hold the exclusive flock and catch up before they change the
// file; a rewrite counts itself in the lock file so that everyone notices it cheaply.

namespace parley {
namespace fs = std::filesystem;
using keyring_internal::check_header;
using keyring_internal::Fd;
using keyring_internal::fsync_dir;
using keyring_internal::header_record;
using keyring_internal::io_error;
using keyring_internal::key_record;
using keyring_internal::KeyTable;
using keyring_internal::parse_records;
using keyring_internal::ParsedKey;
using keyring_internal::read_from;
using keyring_internal::rename_into_place;
using keyring_internal::secret_alloc;
using keyring_internal::SecretBytes;
using keyring_internal::unwrap_key;
using keyring_internal::write_all;

namespace {

keyring_internal::FileId id_of(const struct stat& st) { return {st.st_dev, st.st_ino}; }

// Unwraps all of `parsed` or none, so that a failure leaves memory as it was.
Result<KeyTable> unwrap_all(const std::vector<ParsedKey>& parsed, const uint8_t* master,
                            const fs::path& path) {
  KeyTable keys;
  auto data_key = secret_alloc(keyring_internal::kKeyBytes);
  for (const ParsedKey& key : parsed) {
    if (!unwrap_key(data_key.get(), key, master)) {
      return make_error(ErrorCode::internal,
                        "the keyring at " + path.string() + " holds a damaged key for " +
                            std::string(key.owner) + ": restore it from your keyring backup");
    }
    if (!keys.add(key.owner, data_key.get())) {
      return make_error(ErrorCode::internal, "the keyring at " + path.string() +
                                                 " holds two keys for " + std::string(key.owner));
    }
  }
  return keys;
}

}  // namespace

Status Keyring::Impl::refresh() {
  std::lock_guard file_lock(file_mutex);
  if (lock.generation() == seen_generation.load(std::memory_order_relaxed)) return ok_status();
  return sync(Sync::refresh);
}

bool Keyring::Impl::cached(std::string_view owner) const {
  std::shared_lock keys_lock(keys_mutex);
  return keys.find(owner) != nullptr;
}

Result<bool> Keyring::Impl::look_up(std::string_view owner) {
  if (Status s = current(); !s) return s.error();
  if (cached(owner)) return true;
  if (Status s = catch_up(); !s) return s.error();
  return cached(owner);
}

Status Keyring::Impl::catch_up() {
  std::lock_guard file_lock(file_mutex);
  return sync(Sync::catch_up);
}

Status Keyring::Impl::sync(Sync how) {
  Status synced = sync_once(how);
  if (synced || how == Sync::write || synced.error().code != ErrorCode::internal) return synced;
  // Damage seen without the lock may be a writer caught mid-change (cutting off a dead
  // writer's torn tail, then appending): look again while no writer can run.
  auto held = lock.hold(/*exclusive=*/false);
  if (!held) return held.error();
  return sync_once(how);
}

Status Keyring::Impl::sync_once(Sync how) {
  uint64_t generation = lock.generation();  // before looking at the file
  if (how == Sync::write && generation % 2 == 1) {
    // We hold the exclusive lock, so no rewrite is under way: its writer died after the
    // first count. Count again so that readers stop checking the file on every call.
    lock.set_generation(++generation);
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return io_error("could not stat", path);
  if (id_of(st) != file_id) {
    if (unusable && id_of(st) == unusable_file) return *unusable;
    if (Status s = reload(); !s) return s;
  }
  if (how != Sync::refresh) {
    if (Status s = read_appended(how == Sync::write); !s) return s;
  }
  if (generation % 2 == 0) seen_generation.store(generation, std::memory_order_relaxed);
  return ok_status();
}

Status Keyring::Impl::reload() {
  Fd fd(::open(path.c_str(), O_RDWR | O_APPEND | O_CLOEXEC));
  if (!fd.valid()) return forget(io_error("could not open", path));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return forget(io_error("could not stat", path));
  auto bytes = read_from(fd.get(), 0, path);
  if (!bytes) return forget(bytes.error());
  auto parsed = parse_records(*bytes, path);
  if (!parsed) return forget(parsed.error());
  Status header = check_header(parsed->header_body, master.get(), path, key_hint);
  if (!header && !loaded) return header;
  if (!header) {
    std::string hint =
        key_hint.empty() ? "PARLEY_MASTER_KEY, or the master key file" : std::string(key_hint);
    unusable = make_error(ErrorCode::unavailable,
                          "the keyring at " + path.string() +
                              " was replaced by one this process's master key does not open "
                              "(was the master key rotated by another process?): restart this "
                              "process with the current master key (" +
                              hint + ")");
    unusable_file = id_of(st);
    return forget(*unusable);
  }
  auto fresh = unwrap_all(parsed->keys, master.get(), path);
  if (!fresh) return forget(fresh.error());
  {
    std::unique_lock keys_lock(keys_mutex);
    std::swap(keys, *fresh);  // the old keys are zeroed when `fresh` goes
  }
  file_fd = std::move(fd);
  file_id = id_of(st);
  read_offset = parsed->valid_bytes;
  loaded = true;
  unusable.reset();
  return ok_status();
}

// A reload failed: the keys in memory may include one destroyed in the new file, so none
// is used until a reload succeeds.
Status Keyring::Impl::forget(Error why) {
  if (!loaded) return why;
  {
    std::unique_lock keys_lock(keys_mutex);
    keys = KeyTable();
  }
  file_fd.reset();
  file_id = {};
  read_offset = 0;
  seen_generation.store(kCheckAlways, std::memory_order_relaxed);
  return why;
}

Status Keyring::Impl::read_appended(bool writer) {
  auto bytes = read_from(file_fd.get(), read_offset, path);
  if (!bytes) return bytes.error();
  if (bytes->empty()) return ok_status();
  auto parsed = parse_records(*bytes, path, read_offset);
  if (!parsed) return parsed.error();
  if (!parsed->keys.empty()) {
    auto added = unwrap_all(parsed->keys, master.get(), path);
    if (!added) return added.error();
    std::unique_lock keys_lock(keys_mutex);
    Status merged = ok_status();
    added->for_each([&](std::string_view owner, const uint8_t* key) {
      if (merged && !keys.add(owner, key)) {
        merged = make_error(ErrorCode::internal, "the keyring at " + path.string() +
                                                     " holds two keys for " + std::string(owner));
      }
    });
    if (!merged) return merged;
  }
  read_offset += parsed->valid_bytes;
  if (writer && parsed->valid_bytes < bytes->size()) {
    // Writers hold the exclusive lock for as long as they write, and we hold it now, so
    // this torn tail's writer is gone (it crashed, or failed and could not cut it off). Cut
    // it off so that the next append does not land behind it.
    if (::ftruncate(file_fd.get(), static_cast<off_t>(read_offset)) != 0 ||
        ::fsync(file_fd.get()) != 0) {
      return io_error("could not drop the torn last record of", path);
    }
  }
  return ok_status();
}

Status Keyring::Impl::create_if_missing() {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return ok_status();  // another process made it first
  if (errno != ENOENT) return io_error("could not stat", path);
  // The header only, written in one rename so that it is never seen half-made.
  auto created = rename_into_place(path, header_record(master.get()));
  if (!created) return created.error();
  return fsync_dir(path);
}

Status Keyring::Impl::append(std::string_view record) {
  Status written = write_all(file_fd.get(), record, path);
  if (written && ::fdatasync(file_fd.get()) != 0) written = io_error("could not sync", path);
  if (!written) {
    // Cut off now, or by the next writer: a torn tail under the lock is a dead writer's.
    (void)::ftruncate(file_fd.get(), static_cast<off_t>(read_offset));
    return written;
  }
  read_offset += record.size();
  return ok_status();
}

Status Keyring::Impl::rewrite(std::string_view skip_owner, SecretBytes new_master) {
  const uint8_t* wrap = new_master ? new_master.get() : master.get();
  std::string content = header_record(wrap);
  {
    // Shared only: seal and open go on meanwhile.
    std::shared_lock keys_lock(keys_mutex);
    content.reserve(content.size() + keys.size() * 128);
    keys.for_each([&](std::string_view owner, const uint8_t* key) {
      if (owner != skip_owner) content += key_record(owner, key, wrap);
    });
  }
  // Odd while the file is being replaced: others check the file on every call until it is
  // even again. This Keyring's own calls go on with the keys in memory meanwhile.
  uint64_t generation = lock.generation();  // even: sync(write) repaired an odd one
  seen_generation.store(generation + 1, std::memory_order_relaxed);
  lock.set_generation(generation + 1);
  auto replaced = rename_into_place(path, content);
  if (replaced) {
    // From here memory must follow the new file whatever fails next: appends wrapped under
    // the old master, or sent to the replaced file, would be lost keys.
    if (new_master) master = std::move(new_master);
    if (!skip_owner.empty()) {
      std::unique_lock keys_lock(keys_mutex);
      keys.remove(skip_owner);
    }
    struct stat st {};
    file_id = ::fstat(replaced->get(), &st) == 0 ? id_of(st) : FileId{};  // {}: reload next
    file_fd = std::move(*replaced);
    read_offset = content.size();
  }
  seen_generation.store(generation + 2, std::memory_order_relaxed);
  lock.set_generation(generation + 2);
  if (!replaced) return replaced.error();
  return fsync_dir(path);
}

}  // namespace parley
