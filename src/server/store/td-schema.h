/* td-schema.h: the SQL of the domain migrations, one string per area
 *
 * Each area of the domain owns its tables in its own file; td-migrations.c numbers them.
 * A migration is never edited once released: later changes are new migrations.
 *
 * Conventions every table follows (DOMAIN.md §4): id TEXT PRIMARY KEY (UUID), org_id,
 * version INTEGER (+1 on every write), created_at, updated_at (RFC 3339), deleted (0/1,
 * the tombstone sync needs). Department sets and other id lists are JSON arrays in TEXT
 * columns, read with json_each().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

extern const char td_schema_engine_sql[];        /* 2: td-schema-engine.c */
extern const char td_schema_organization_sql[];  /* 3: td-schema-organization.c */
extern const char td_schema_assets_sql[];        /* 4: td-schema-assets.c */
extern const char td_schema_cases_sql[];         /* 5: td-schema-cases.c */
extern const char td_schema_accounts_sql[];      /* 6: td-schema-accounts.c */
extern const char td_schema_insights_sql[];      /* 7: td-schema-insights.c */
extern const char td_schema_sync_sql[];          /* 8: td-schema-sync.c */
extern const char td_schema_notify_sql[];        /* 9: td-schema-notify.c */
extern const char td_schema_mail_sql[];          /* 10: td-schema-mail.c */
extern const char td_schema_lifecycle_sql[];     /* 11: td-schema-lifecycle.c */
