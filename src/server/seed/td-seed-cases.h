/* td-seed-cases.h: the bulk data of the cases area (`twindesk-server --seed bulk:N`)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-db.h"

G_BEGIN_DECLS

/* Adds @n_tickets tickets to @org_id with N/10 devices, N/100 customers and two messages
 * per ticket, in transactions of its own (not inside another one). Needs a template (the
 * demo data). Every run adds new rows: it is for benchmarks, not idempotent. */
gboolean td_seed_bulk_cases (TdDb        *db,
                             const char  *org_id,
                             guint64      n_tickets,
                             GError     **error);

G_END_DECLS
