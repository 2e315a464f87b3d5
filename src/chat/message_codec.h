// How a message's personal fields are sealed: text and citations with the data key of the
// visitor the conversation belongs to, bound to the table, column, conversation and message,
// so a ciphertext moved to another row does not open. Erasing a visitor destroys that key.
// Used by the chat service when it stores and reads messages.
#pragma once

#include <string>
#include <vector>

#include "answer/answer_types.h"
#include "core/key_owners.h"  // visitor_key_owner, for the callers of this codec
#include "core/keyring.h"
#include "store/conversations_repo.h"

namespace parley {

// Fills row.text_sealed (and citations_sealed when `citations` is set). The row's id,
// conversation id and workspace id must be set.
Status seal_message(Keyring& keyring, const std::string& key_owner, MessageRow& row,
                    std::string_view text, const std::vector<Citation>* citations);

struct OpenedMessage {
  std::string text;
  std::vector<Citation> citations;
};
Result<OpenedMessage> open_message(const Keyring& keyring, const std::string& key_owner,
                                   const MessageRow& row);

}  // namespace parley
