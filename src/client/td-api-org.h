/* td-api-org.h: the organization's own settings, the company profile, invitations and
 * becoming independent
 *
 * The organization's collections (departments, employees, invitations, customers, teams,
 * labels …) are in td-api-collections.h; how calls finish: td-api-resources.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-api-resources.h"

G_BEGIN_DECLS

/* GET /api/v1/organization (employees) → td_api_client_object_finish(). */
void td_api_get_organization_async    (TdApiClient          *client,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
/* PATCH /api/v1/organization with @changes, If-Match @version →
 * td_api_client_object_finish(). */
void td_api_update_organization_async (TdApiClient          *client,
                                       gint64                version,
                                       JsonObject           *changes,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);

/* GET /api/v1/company (customer login: the own company) → td_api_client_object_finish(). */
void td_api_get_company_async         (TdApiClient          *client,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
/* PATCH /api/v1/company with @changes, If-Match @version → td_api_client_object_finish(). */
void td_api_update_company_async      (TdApiClient          *client,
                                       gint64                version,
                                       JsonObject           *changes,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);

/* POST /api/v1/invitations/{id}/resend: a new link and 7 more days for a pending
 * invitation → the invitation, td_api_client_object_finish(). */
void td_api_resend_invitation_async   (TdApiClient          *client,
                                       const char           *id,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);

/* POST /api/v1/invitations/accept (public) with the token of the emailed link, the new
 * password and optionally names (NULL keeps the invitation's). The new user is signed in:
 * finish with td_api_client_login_finish(); the client adopts the new session's token. */
void td_api_accept_invitation_async   (TdApiClient          *client,
                                       const char           *token,
                                       const char           *password,
                                       const char           *first_name,
                                       const char           *last_name,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);

/* POST /api/v1/company/become-independent (a customer company's administrator), If-Match
 * @company_version (from td_api_get_company_async()), the new organization named @name
 * (NULL: the company's name) → {"organization","customer_id","moved","login_required"},
 * td_api_client_object_finish(). The caller's session has ended with it: sign in again. */
void td_api_become_independent_async  (TdApiClient          *client,
                                       gint64                company_version,
                                       const char           *name,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);

G_END_DECLS
