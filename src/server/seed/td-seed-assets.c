/* td-seed-assets.c: the demo data of the assets area
 *
 * Six templates with realistic modules, 60 devices spread over them, the demo customers
 * and the departments North / South / none, and 80 codes (60 paired, 20 unpaired, 10 with
 * the PIN 1234). Rows go through td_resource_insert(), so they have versions and change
 * feed entries like any other write.
 *
 * Idempotent as a whole: the template "Heat Pump HP-200" marks the data as present.
 *
 * Canary for the authorization matrix: every device's attributes carry a "note"
 * "canary-<customer number or operator>-<north|south|none>", so a test can tell from any
 * response body whose device leaked to whom.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "td-seed"

#include "config.h"

#include "td-seed-demo.h"

#include "td-api-assets-private.h"
#include "td-password.h"
#include "td-random.h"

#define MARKER_TEMPLATE   "Heat Pump HP-200"
#define DEVICES_PER_TEMPLATE 10
#define N_CODES           80
#define N_PAIRED_CODES    60
#define DEMO_PIN          "1234"

typedef struct
{
  const char *title;
  const char *steps[5];
  const char *freq;
  gint64      interval;
} TaskSeed;

typedef struct
{
  const char *name;
  const char *description;
  const char *serial_prefix;
  const char *assistant[3][2];   /* title, body */
  const char *flows[3];
  TaskSeed    tasks[2];
  gboolean    video;
  gboolean    dynamic_codes;
} TemplateSeed;

static const TemplateSeed templates[] = {
  { MARKER_TEMPLATE, "Air-to-water heat pump, 12 kW, for homes and small offices.", "HP200",
    { { "Error E04: low flow", "Check that the circulation pump runs and the strainer is clean." },
      { "Defrost cycle", "Steam from the outdoor unit in winter is normal during defrosting." },
      { "Set the room temperature", "Use the arrows on the panel; changes take 10 minutes." } },
    { "Malfunction", "Maintenance request", "Noise complaint" },
    { { "Annual inspection", { "Check refrigerant pressure", "Clean the evaporator", "Test the safety valve", NULL },
        "yearly", 1 },
      { "Filter check", { "Inspect the water filter", "Flush if clogged", NULL }, "monthly", 3 } },
    TRUE, TRUE },
  { "Elevator LiftMaster E5", "Traction elevator for buildings up to 12 floors, 630 kg.", "LM-E5",
    { { "Passenger trapped", "Press the alarm button; the service line answers around the clock." },
      { "Door does not close", "Remove objects from the door sill and wait 30 seconds." },
      { NULL, NULL } },
    { "Breakdown", "Emergency", "Inspection appointment" },
    { { "Monthly safety check", { "Test the emergency phone", "Check the door sensors", "Inspect the ropes", NULL },
        "monthly", 1 },
      { NULL, { NULL }, NULL, 0 } },
    TRUE, FALSE },
  { "Coffee Machine Barista Pro 3", "Bean-to-cup coffee machine for offices, 150 cups a day.", "BP3",
    { { "Descaling", "Run the descaling program when the orange light is on." },
      { "Grinder is loud", "A stone among the beans: switch off and call the service." },
      { "Milk system cleaning", "Clean daily with the cleaning tablet." } },
    { "Machine fault", "Refill order" },
    { { "Weekly cleaning", { "Empty the grounds container", "Clean the brewing unit", "Rinse the milk system", NULL },
        "weekly", 1 },
      { "Descaling", { "Insert descaling agent", "Run the program", NULL }, "monthly", 2 } },
    FALSE, TRUE },
  { "Industrial Printer InkJet X900", "Continuous inkjet printer for product coding on packaging lines.", "X900",
    { { "Print is blurred", "Clean the print head with the cleaning solution." },
      { "Ink low", "Replace the cartridge; the printer keeps printing for 2 hours." },
      { NULL, NULL } },
    { "Print quality issue", "Machine down", "Consumables order" },
    { { "Print head service", { "Clean the nozzle", "Check the gutter", "Replace the filter", NULL },
        "weekly", 2 },
      { NULL, { NULL }, NULL, 0 } },
    TRUE, FALSE },
  { "Forklift EFL-25 Electric", "Electric counterbalance forklift, 2.5 t capacity.", "EFL25",
    { { "Battery charging", "Charge when the display shows 20%; never interrupt a full charge." },
      { "Warning light: hydraulics", "Lower the forks, park the truck and call the service." },
      { NULL, NULL } },
    { "Breakdown", "Damage report" },
    { { "Daily pre-use check", { "Check tyres", "Test brakes", "Test horn and lights", "Check the forks", NULL },
        "daily", 1 },
      { "Annual safety inspection", { "Load test", "Inspect chains", "Check mast", NULL }, "yearly", 1 } },
    FALSE, FALSE },
  { "HVAC Rooftop Unit RT-40", "Packaged rooftop unit, 40 kW cooling, for retail spaces.", "RT40",
    { { "No cooling", "Check that the thermostat is in cooling mode and the breaker is on." },
      { "Ice on the coil", "Switch to fan only for two hours and check the filters." },
      { "Filter replacement", "Filters are G4, 592 x 592 mm." } },
    { "Malfunction", "Maintenance request", "Temperature complaint" },
    { { "Quarterly maintenance", { "Replace filters", "Clean the condenser", "Check belt tension", NULL },
        "monthly", 3 },
      { NULL, { NULL }, NULL, 0 } },
    TRUE, TRUE },
};

static const char * const device_names[] = {
  "Heat pump", "Elevator", "Coffee machine", "Printer", "Forklift", "Rooftop unit",
};

static const char * const locations[] = {
  "Main building, basement plant room", "Warehouse 2, bay 14", "Head office, 3rd floor kitchen",
  "Packaging line 4", "Loading dock east", "Roof, north side", "Factory hall B, column C7",
  "Reception area", "Service yard", "Building C, ground floor",
};

typedef struct
{
  char *id;
  char *number;       /* customer_number, for the canary */
  char *department;   /* head office or first customer department, may be NULL */
} SeedCustomer;

static void
seed_customer_clear (SeedCustomer *customer)
{
  g_clear_pointer (&customer->id, g_free);
  g_clear_pointer (&customer->number, g_free);
  g_clear_pointer (&customer->department, g_free);
}

typedef struct
{
  TdDb          *db;
  const char    *org_id;
  SeedCustomer   customers[5];   /* Globex, Initech, Umbrella, two private customers */
  char          *north;
  char          *south;
  GPtrArray     *meta_teams;     /* ids */
  GPtrArray     *labels;         /* ids */
  char          *template_ids[G_N_ELEMENTS (templates)];
  char          *device_ids[G_N_ELEMENTS (templates) * DEVICES_PER_TEMPLATE];
  char          *device_departments[G_N_ELEMENTS (templates) * DEVICES_PER_TEMPLATE];
} Seed;

static void
seed_clear (Seed *seed)
{
  for (guint i = 0; i < G_N_ELEMENTS (seed->customers); i++)
    seed_customer_clear (&seed->customers[i]);
  g_clear_pointer (&seed->north, g_free);
  g_clear_pointer (&seed->south, g_free);
  g_clear_pointer (&seed->meta_teams, g_ptr_array_unref);
  g_clear_pointer (&seed->labels, g_ptr_array_unref);
  for (guint i = 0; i < G_N_ELEMENTS (seed->template_ids); i++)
    g_clear_pointer (&seed->template_ids[i], g_free);
  for (guint i = 0; i < G_N_ELEMENTS (seed->device_ids); i++)
    g_clear_pointer (&seed->device_ids[i], g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Seed, seed_clear)

/* The first column of the first row of @sql with @org_id and an optional @arg bound, or
 * NULL. Tables of other areas may not exist yet: a failing statement is "no row". */
static char *
lookup (Seed       *seed,
        const char *sql,
        const char *arg)
{
  g_autoptr(TdDbStmt) stmt = td_db_prepare (seed->db, sql, NULL);

  if (stmt == NULL)
    return NULL;
  td_db_stmt_bind_text (stmt, 1, seed->org_id);
  if (arg != NULL)
    td_db_stmt_bind_text (stmt, 2, arg);
  if (td_db_stmt_step (stmt, NULL) != TD_DB_STEP_ROW)
    return NULL;
  return td_db_stmt_dup_text (stmt, 0);
}

static GPtrArray *
lookup_all (Seed       *seed,
            const char *sql)
{
  g_autoptr(TdDbStmt) stmt = td_db_prepare (seed->db, sql, NULL);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  if (stmt == NULL)
    return ids;
  td_db_stmt_bind_text (stmt, 1, seed->org_id);
  while (td_db_stmt_step (stmt, NULL) == TD_DB_STEP_ROW)
    g_ptr_array_add (ids, td_db_stmt_dup_text (stmt, 0));
  return ids;
}

static void
find_customer (Seed         *seed,
               SeedCustomer *customer,
               const char   *sql,
               const char   *arg)
{
  customer->id = lookup (seed, sql, arg);
  if (customer->id == NULL)
    return;

  {
    g_autoptr(TdDbStmt) stmt = td_db_prepare (seed->db, "SELECT customer_number FROM customers "
                                                        "WHERE org_id = ? AND id = ?", NULL);

    if (stmt != NULL)
      {
        td_db_stmt_bind_text (stmt, 1, seed->org_id);
        td_db_stmt_bind_text (stmt, 2, customer->id);
        if (td_db_stmt_step (stmt, NULL) == TD_DB_STEP_ROW)
          customer->number = td_db_stmt_dup_text (stmt, 0);
      }
  }
  customer->department = lookup (seed, "SELECT id FROM customer_departments WHERE org_id = ? "
                                       "AND customer_id = ? AND deleted = 0 "
                                       "ORDER BY head_office DESC, name LIMIT 1", customer->id);
}

static void
find_references (Seed *seed)
{
  g_autoptr(GPtrArray) privates = NULL;

  find_customer (seed, &seed->customers[0],
                 "SELECT id FROM customers WHERE org_id = ? AND deleted = 0 "
                 "AND (customer_number = ? OR name = 'Globex') ORDER BY name = 'Globex' DESC LIMIT 1",
                 "C-10001");
  find_customer (seed, &seed->customers[1],
                 "SELECT id FROM customers WHERE org_id = ? AND deleted = 0 AND name LIKE ? "
                 "ORDER BY name LIMIT 1", "Initech%");
  find_customer (seed, &seed->customers[2],
                 "SELECT id FROM customers WHERE org_id = ? AND deleted = 0 AND name LIKE ? "
                 "ORDER BY name LIMIT 1", "Umbrella%");

  privates = lookup_all (seed, "SELECT id FROM customers WHERE org_id = ? AND deleted = 0 "
                               "AND kind = 'private' ORDER BY customer_number LIMIT 2");
  for (guint i = 0; i < privates->len; i++)
    find_customer (seed, &seed->customers[3 + i],
                   "SELECT id FROM customers WHERE org_id = ? AND id = ?",
                   g_ptr_array_index (privates, i));

  seed->north = lookup (seed, "SELECT id FROM departments WHERE org_id = ? AND name = ? "
                              "AND deleted = 0", "North");
  seed->south = lookup (seed, "SELECT id FROM departments WHERE org_id = ? AND name = ? "
                              "AND deleted = 0", "South");
  seed->meta_teams = lookup_all (seed, "SELECT id FROM meta_teams WHERE org_id = ? AND deleted = 0 "
                                       "ORDER BY name");
  seed->labels = lookup_all (seed, "SELECT id FROM labels WHERE org_id = ? AND deleted = 0 "
                                   "ORDER BY created_at, id LIMIT 4");
}

static JsonNode *
id_list (const char *first,
         ...)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);
  va_list args;

  va_start (args, first);
  for (const char *id = first; id != NULL; id = va_arg (args, const char *))
    json_array_add_string_element (array, id);
  va_end (args);

  json_node_take_array (node, array);
  return node;
}

static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

static void
set_new_id (JsonObject *entry)
{
  g_autofree char *id = td_uuid_new ();

  json_object_set_string_member (entry, "id", id);
}

static JsonObject *
build_modules (Seed               *seed,
               const TemplateSeed *t,
               guint               index)
{
  JsonObject *modules = json_object_new ();
  JsonArray *assistant = json_array_new ();
  JsonArray *flows = json_array_new ();
  JsonArray *tasks = json_array_new ();
  JsonArray *groups = json_array_new ();
  JsonObject *video = json_object_new ();

  for (guint i = 0; i < G_N_ELEMENTS (t->assistant) && t->assistant[i][0] != NULL; i++)
    {
      JsonObject *entry = json_object_new ();

      set_new_id (entry);
      json_object_set_string_member (entry, "title", t->assistant[i][0]);
      json_object_set_string_member (entry, "body", t->assistant[i][1]);
      json_array_add_object_element (assistant, entry);
    }

  for (guint i = 0; i < G_N_ELEMENTS (t->flows) && t->flows[i] != NULL; i++)
    {
      JsonObject *entry = json_object_new ();

      set_new_id (entry);
      json_object_set_string_member (entry, "name", t->flows[i]);
      if (seed->meta_teams->len > 0)
        json_object_set_string_member (entry, "meta_team_id",
                                       g_ptr_array_index (seed->meta_teams,
                                                          (index + i) % seed->meta_teams->len));
      else
        json_object_set_null_member (entry, "meta_team_id");
      json_object_set_null_member (entry, "team_id");
      json_array_add_object_element (flows, entry);
    }

  json_object_set_boolean_member (video, "enabled", t->video);
  if (t->video && seed->meta_teams->len > 0)
    json_object_set_string_member (video, "meta_team_id", g_ptr_array_index (seed->meta_teams, 0));
  else
    json_object_set_null_member (video, "meta_team_id");

  for (guint i = 0; i < G_N_ELEMENTS (t->tasks) && t->tasks[i].title != NULL; i++)
    {
      JsonObject *entry = json_object_new ();
      JsonArray *steps = json_array_new ();
      JsonObject *recurrence = json_object_new ();

      for (guint s = 0; t->tasks[i].steps[s] != NULL; s++)
        json_array_add_string_element (steps, t->tasks[i].steps[s]);
      json_object_set_string_member (recurrence, "freq", t->tasks[i].freq);
      json_object_set_int_member (recurrence, "interval", t->tasks[i].interval);

      set_new_id (entry);
      json_object_set_string_member (entry, "title", t->tasks[i].title);
      json_object_set_array_member (entry, "steps", steps);
      json_object_set_object_member (entry, "recurrence", recurrence);
      json_array_add_object_element (tasks, entry);
    }

  if (seed->labels->len > 0)
    {
      JsonObject *group = json_object_new ();
      JsonArray *ids = json_array_new ();

      for (guint i = 0; i < seed->labels->len; i++)
        json_array_add_string_element (ids, g_ptr_array_index (seed->labels, i));
      set_new_id (group);
      json_object_set_string_member (group, "name", "Service labels");
      json_object_set_array_member (group, "label_ids", ids);
      json_array_add_object_element (groups, group);
    }

  json_object_set_array_member (modules, "text_assistant", assistant);
  json_object_set_array_member (modules, "ticket_flows", flows);
  json_object_set_object_member (modules, "video_session_flow", video);
  json_object_set_array_member (modules, "task_definitions", tasks);
  json_object_set_array_member (modules, "label_groups", groups);
  json_object_set_boolean_member (modules, "dynamic_codes", t->dynamic_codes);
  return modules;
}

/* Department sets of the demo: 0 North, 1 South, 2 none. */
static JsonNode *
departments_node (Seed  *seed,
                  guint  which)
{
  const char *id = which == 0 ? seed->north : which == 1 ? seed->south : NULL;

  return id != NULL ? id_list (id, NULL) : id_list (NULL);
}

static const char *
department_name (Seed  *seed,
                 guint  which)
{
  const char *id = which == 0 ? seed->north : which == 1 ? seed->south : NULL;

  return id == NULL ? "none" : which == 0 ? "north" : "south";
}

static gboolean
insert_templates (Seed    *seed,
                  GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (templates); i++)
    {
      const TemplateSeed *t = &templates[i];
      g_autoptr(JsonObject) values = json_object_new ();

      json_object_set_string_member (values, "name", t->name);
      json_object_set_string_member (values, "description", t->description);
      /* Two templates per department set: North, South, none. */
      json_object_set_member (values, "departments", departments_node (seed, i / 2));
      json_object_set_member (values, "modules", object_node (build_modules (seed, t, i)));
      json_object_set_boolean_member (values, "rating_tickets", i != 3);
      json_object_set_boolean_member (values, "rating_video_sessions", TRUE);

      seed->template_ids[i] = td_resource_insert (seed->db, &td_resource_templates, seed->org_id,
                                                  values, error);
      if (seed->template_ids[i] == NULL)
        return FALSE;
    }
  return TRUE;
}

/* Device n: template n / 10; customer n % 6 (Globex, Initech, Umbrella, two private,
 * operator stock); departments (n / 6) % 3 (North, South, none), so that every
 * combination of customer and department set exists. */
static gboolean
insert_devices (Seed    *seed,
                GError **error)
{
  for (guint n = 0; n < G_N_ELEMENTS (seed->device_ids); n++)
    {
      guint t = n / DEVICES_PER_TEMPLATE;
      guint c = n % 6;
      guint d = (n / 6) % 3;
      const SeedCustomer *customer = c < G_N_ELEMENTS (seed->customers) ? &seed->customers[c] : NULL;
      g_autoptr(JsonObject) values = json_object_new ();
      g_autoptr(JsonObject) attributes = json_object_new ();
      g_autofree char *name = NULL;
      g_autofree char *serial = NULL;
      g_autofree char *note = NULL;

      if (customer != NULL && customer->id == NULL)
        customer = NULL;

      name = g_strdup_printf ("%s %02u", device_names[t], n % DEVICES_PER_TEMPLATE + 1);
      serial = g_strdup_printf ("%s-%u-%05u", templates[t].serial_prefix, 2021 + n % 4, 10017 + n * 37);
      note = g_strdup_printf ("canary-%s-%s",
                              customer != NULL && customer->number != NULL ? customer->number : "operator",
                              department_name (seed, d));

      json_object_set_string_member (attributes, "note", note);
      json_object_set_int_member (attributes, "year_built", 2015 + n % 9);
      json_object_set_string_member (attributes, "firmware", n % 2 ? "4.2.1" : "4.3.0");

      json_object_set_string_member (values, "name", name);
      json_object_set_string_member (values, "serial_number", serial);
      json_object_set_string_member (values, "template_id", seed->template_ids[t]);
      if (customer != NULL)
        json_object_set_string_member (values, "customer_id", customer->id);
      else
        json_object_set_null_member (values, "customer_id");
      if (customer != NULL && customer->department != NULL)
        json_object_set_string_member (values, "customer_department_id", customer->department);
      else
        json_object_set_null_member (values, "customer_department_id");
      json_object_set_string_member (values, "location", locations[n % G_N_ELEMENTS (locations)]);
      json_object_set_member (values, "departments", departments_node (seed, d));
      json_object_set_member (values, "labels", id_list (NULL));
      json_object_set_object_member (values, "attributes", g_steal_pointer (&attributes));
      json_object_set_object_member (values, "overrides", json_object_new ());

      seed->device_ids[n] = td_resource_insert (seed->db, &td_resource_devices, seed->org_id,
                                                values, error);
      if (seed->device_ids[n] == NULL)
        return FALSE;
      seed->device_departments[n] = (char *) (d == 0 ? seed->north : d == 1 ? seed->south : NULL);
    }
  return TRUE;
}

/* Codes 0..59 are paired with devices 0..59 and carry their departments; 60..79 are
 * unpaired stock. Every eighth code has the PIN 1234 (one argon2id hash, reused). */
static gboolean
insert_codes (Seed    *seed,
              GError **error)
{
  g_autofree char *pin_hash = td_password_hash (DEMO_PIN, error);

  if (pin_hash == NULL)
    return FALSE;

  for (guint n = 0; n < N_CODES; n++)
    {
      g_autoptr(JsonObject) values = json_object_new ();
      g_autofree char *token = td_assets_code_token_new (error);
      g_autofree char *id = NULL;
      const char *department;

      if (token == NULL)
        return FALSE;

      json_object_set_string_member (values, "token", token);
      json_object_set_boolean_member (values, "enabled", n % 20 != 19);
      if (n % 8 == 0)
        json_object_set_string_member (values, "pin_hash", pin_hash);
      else
        json_object_set_null_member (values, "pin_hash");
      json_object_set_boolean_member (values, "has_pin", n % 8 == 0);
      if (n < N_PAIRED_CODES)
        {
          json_object_set_string_member (values, "device_id", seed->device_ids[n]);
          department = seed->device_departments[n];
        }
      else
        {
          json_object_set_null_member (values, "device_id");
          department = n % 3 == 0 ? seed->north : n % 3 == 1 ? seed->south : NULL;
        }
      json_object_set_member (values, "departments",
                              department != NULL ? id_list (department, NULL) : id_list (NULL));
      json_object_set_member (values, "labels", id_list (NULL));
      json_object_set_int_member (values, "code_user_epoch", 0);

      id = td_resource_insert (seed->db, &td_resource_codes, seed->org_id, values, error);
      if (id == NULL)
        return FALSE;
    }
  return TRUE;
}

gboolean
td_seed_demo_assets (TdDb        *db,
                     const char  *org_id,
                     GError     **error)
{
  g_auto(Seed) seed = { 0 };
  g_autoptr(TdDbStmt) stmt = NULL;
  TdDbStep step;

  stmt = td_db_prepare (db, "SELECT 1 FROM templates WHERE org_id = ? AND name = ? AND deleted = 0",
                        error);
  if (stmt == NULL)
    return FALSE;
  td_db_stmt_bind_text (stmt, 1, org_id);
  td_db_stmt_bind_text (stmt, 2, MARKER_TEMPLATE);
  step = td_db_stmt_step (stmt, error);
  if (step == TD_DB_STEP_ERROR)
    return FALSE;
  if (step == TD_DB_STEP_ROW)
    return TRUE;

  seed.db = db;
  seed.org_id = org_id;
  find_references (&seed);

  return insert_templates (&seed, error) &&
         insert_devices (&seed, error) &&
         insert_codes (&seed, error);
}
