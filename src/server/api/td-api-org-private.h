/* td-api-org-private.h: what the files of the organization area share
 *
 * td-api-organization.c holds the collection definitions and the route table,
 * td-api-org-people.c the rules for employees and invitations, td-api-org-company.c the
 * hand-written /organization and /company handlers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-resources.h"

G_BEGIN_DECLS

/* Invitations to a customer's company, by callers with customers.invite (the same table and
 * hooks as td_resource_invitations, which is guarded by employees.manage). */
extern const TdResourceDef td_org_customer_invitations;

/* The value a write leaves in @member: the change if there is one, else the stored one. */
JsonNode      *td_org_effective           (TdResourceWrite  *write,
                                           const char       *member);
const char    *td_org_effective_string    (TdResourceWrite  *write,
                                           const char       *member);
char         **td_org_node_dup_strv       (JsonNode         *node);
gboolean       td_org_node_get_bool       (JsonNode         *node);

gboolean       td_org_is_customer_login   (TdApiCall        *call);
const char    *td_org_org_id              (TdApiCall        *call);

/* Checks that the departments in @new_list the caller adds (those not in @old_list) are
 * departments the caller may assign (DOMAIN.md §2, §3); NULL when they are. */
TdApiResponse *td_org_check_departments   (TdApiCall        *call,
                                           const char       *field,
                                           JsonNode         *new_list,
                                           JsonNode         *old_list);

/* Runs @sql with the @n string parameters that follow (NULL binds SQL null) and tells
 * whether it returned a row. */
gboolean       td_org_sql_exists          (TdDb             *db,
                                           gboolean         *out_exists,
                                           GError          **error,
                                           const char       *sql,
                                           guint             n,
                                           ...);
gboolean       td_org_changes_has         (TdResourceWrite  *write,
                                           const char       *member);
gboolean       td_org_is_null             (JsonNode         *node);
/* The {customer_id} of a nested route's URL. */
const char    *td_org_url_customer_id     (TdApiCall        *call);

/* A 500 for a failed statement inside a hook. */
TdApiResponse *td_org_db_error            (const char       *what,
                                           GError           *error);

/* An If-Match value ("3", W/"3" or 3) as a version; -1 when malformed. */
gint64         td_org_parse_if_match      (const char       *if_match);

/* Inserts the head office of the corporate customer @customer_id unless it has one (the
 * customers hook and the seed). */
gboolean       td_org_ensure_head_office  (TdDb             *db,
                                           const char       *org_id,
                                           const char       *customer_id,
                                           GError          **error);

/* Hooks of td-api-org-people.c. */
TdApiResponse *td_org_employees_before_update   (TdResourceWrite *write);
TdApiResponse *td_org_employees_before_delete   (TdResourceWrite *write);
TdApiResponse *td_org_invitations_before_create (TdResourceWrite *write);
TdApiResponse *td_org_invitations_before_update (TdResourceWrite *write);
TdApiResponse *td_org_invitations_before_delete (TdResourceWrite *write);
/* 403 unless the caller may manage the user the invitation @row is for (resending it). */
TdApiResponse *td_org_invitation_check_reach    (TdApiCall       *call,
                                                 JsonObject      *row);

/* Handlers of td-api-org-company.c. */
TdApiResponse *td_org_organization_get    (TdApiCall *call);
TdApiResponse *td_org_organization_patch  (TdApiCall *call);
TdApiResponse *td_org_company_get         (TdApiCall *call);
TdApiResponse *td_org_company_patch       (TdApiCall *call);

G_END_DECLS
