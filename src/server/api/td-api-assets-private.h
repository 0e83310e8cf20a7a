/* td-api-assets-private.h: what the files of the assets area share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "td-resources.h"
#include "td-api-routes.h"

G_BEGIN_DECLS

/* Limits of the template modules (td-api-assets-modules.c). */
#define TD_ASSETS_MAX_ITEMS        200    /* entries per module list */
#define TD_ASSETS_MAX_STEPS        100    /* steps per task definition */
#define TD_ASSETS_MAX_TITLE        200
#define TD_ASSETS_MAX_BODY         10000
#define TD_ASSETS_MAX_ITEM_ID      64
#define TD_ASSETS_MAX_INTERVAL     1000

/* A JSON member as a node whatever form the engine hands it in (a parsed node or the
 * stored text); NULL when absent. Owned by the caller. */
JsonNode      *td_assets_dup_json_member    (JsonObject    *object,
                                             const char    *member);

/* Stores @value into @object under @member in the form @like has (text if @like holds a
 * string, a node otherwise), so that hooks hand back what the engine gave them. */
void           td_assets_set_json_member    (JsonObject    *object,
                                             const char    *member,
                                             JsonNode      *like,
                                             JsonObject    *value);

/* Validates the template modules in @input and returns the normalized object (only known
 * members; missing ones filled in unless @partial) in *@out_modules. References (meta
 * teams, teams, labels) must be visible to the caller. @field names the member in errors.
 * Returns NULL on success, else the 422 to send. */
TdApiResponse *td_assets_validate_modules   (TdApiCall     *call,
                                             JsonNode      *input,
                                             gboolean       partial,
                                             const char    *field,
                                             JsonObject   **out_modules);

/* The default modules of a new template (everything empty, dynamic codes off). */
JsonObject    *td_assets_default_modules    (void);

/* Validates a device's overrides: {"modules": partial modules, "detached": [module names]}. */
TdApiResponse *td_assets_validate_overrides (TdApiCall     *call,
                                             JsonNode      *input,
                                             JsonObject   **out_overrides);

/* The code actions (td-api-assets-codes.c). */
TdApiResponse *td_api_codes_pair            (TdApiCall     *call);
TdApiResponse *td_api_codes_unpair          (TdApiCall     *call);
TdApiResponse *td_api_codes_share_link      (TdApiCall     *call);
TdApiResponse *td_api_codes_set_pin         (TdApiCall     *call);
TdApiResponse *td_api_codes_logout_users    (TdApiCall     *call);
TdApiResponse *td_api_codes_clear_notifications (TdApiCall *call);

/* A new code token: 12 characters of [a-z2-9] without look-alikes, 60 bits. */
char          *td_assets_code_token_new     (GError       **error);

G_END_DECLS
