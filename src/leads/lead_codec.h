// How a lead's fields are sealed: as one JSON object, with the data key of the visitor who
// submitted them, bound to the table, column, bot and lead, so a ciphertext moved to
// another row does not open. Erasing the visitor destroys that key. Used by the lead service.
#pragma once

#include "core/keyring.h"
#include "leads/lead_types.h"
#include "store/leads_repo.h"

namespace parley {

// Fills row.fields_sealed. The row's id, bot id, workspace id and visitor id must be set.
Status seal_lead_fields(Keyring& keyring, LeadRow& row, const LeadFields& fields);
// not_found when the visitor's key was destroyed (the visitor was erased).
Result<LeadFields> open_lead_fields(const Keyring& keyring, const LeadRow& row);

}  // namespace parley
