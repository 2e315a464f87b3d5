#include <sodium.h>

#include <algorithm>
#include <new>
#include <unordered_set>

#include "core/keyring_format.h"
#include "core/keyring_impl.h"

// Key creation in groups: many threads making keys at once (every new visitor of a busy
// bot gets one) share one append and one fdatasync instead of queueing for one each. The
// first caller in line leads: it takes the file lock, writes everyone's records, syncs, and
// wakes the others; whoever queued meanwhile forms the next group. A key is in memory, and
// so usable for sealing, only once its record is durable.

namespace parley {
using keyring_internal::key_record;
using keyring_internal::kKeyBytes;
using keyring_internal::secret_alloc;
using keyring_internal::SecretBytes;

namespace {

// Bounds one append (a record is about 100 bytes plus the owner id).
constexpr size_t kMaxGroup = 512;

}  // namespace

Status Keyring::Impl::create_in_group(std::string_view owner) {
  PendingKey me{owner};
  std::unique_lock queue_lock(group_mutex);
  group_queue.push_back(&me);
  group_done.wait(queue_lock, [&] { return me.done || group_queue.front() == &me; });
  if (me.done) return me.result;

  const size_t size = std::min(group_queue.size(), kMaxGroup);
  std::vector<PendingKey*> group(group_queue.begin(),
                                 group_queue.begin() + static_cast<std::ptrdiff_t>(size));
  queue_lock.unlock();
  try {
    create_keys(group);
  } catch (const std::bad_alloc&) {
    // The followers must be woken whatever happens, or they wait for good.
    for (PendingKey* pending : group) {
      pending->result = make_error(ErrorCode::internal, "out of memory making a data key");
    }
  }
  queue_lock.lock();
  for (PendingKey* pending : group) {
    group_queue.pop_front();
    pending->done = true;
  }
  group_done.notify_all();
  return me.result;
}

void Keyring::Impl::create_keys(const std::vector<PendingKey*>& group) {
  auto fail = [&](const Error& why) {
    for (PendingKey* pending : group) pending->result = why;
  };
  std::lock_guard file_lock(file_mutex);
  auto held = lock.hold(/*exclusive=*/true);
  if (!held) return fail(held.error());
  // Everything appended by others first: a second record for one owner would be damage.
  if (Status s = sync(Sync::write); !s) return fail(s.error());

  std::string records;
  std::vector<std::string_view> made;
  std::unordered_set<std::string_view> seen;
  for (PendingKey* pending : group) {
    // Made meanwhile (here or elsewhere), or asked for twice in this group.
    if (cached(pending->owner) || !seen.insert(pending->owner).second) continue;
    made.push_back(pending->owner);
  }
  if (made.empty()) return;
  // One guarded allocation for the group: each costs system calls (mmap, mprotect).
  SecretBytes deks = secret_alloc(kKeyBytes * made.size());
  for (size_t i = 0; i < made.size(); ++i) {
    uint8_t* dek = deks.get() + i * kKeyBytes;
    crypto_aead_xchacha20poly1305_ietf_keygen(dek);
    records += key_record(made[i], dek, master.get());
  }
  // Durable before anyone can seal with them: a key lost in a crash would strand its data.
  if (Status s = append(records); !s) {
    for (PendingKey* pending : group) {
      if (seen.contains(pending->owner)) pending->result = s.error();
    }
    return;
  }
  std::unique_lock keys_lock(keys_mutex);
  for (size_t i = 0; i < made.size(); ++i) keys.add(made[i], deks.get() + i * kKeyBytes);
}

}  // namespace parley
