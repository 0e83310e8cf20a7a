/* td-schema-lifecycle.c: migration of the organization-lifecycle area (see td-schema.h)
 *
 * A customer company can be disabled (its customer-login users cannot sign in while it is)
 * and can become an independent organization, after which the operator keeps the record,
 * marked `independent`, with the id of the new tenant (DOMAIN.md §1).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "td-schema.h"

const char td_schema_lifecycle_sql[] =
  "ALTER TABLE customers ADD COLUMN status TEXT NOT NULL DEFAULT 'active'"
  "  CHECK (status IN ('active', 'disabled', 'independent'));"
  /* Bookkeeping of the move, not a field of the API: which tenant the company became. */
  "ALTER TABLE customers ADD COLUMN independent_org_id TEXT REFERENCES organizations (id);"
  "CREATE INDEX customers_status ON customers (org_id, status);"
  "CREATE INDEX transfer_tokens_user ON transfer_tokens (user_id);";
