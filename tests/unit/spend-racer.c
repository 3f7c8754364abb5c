/* gst-apigo: one process counting creates against a budget (test-spend)
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * spend-racer DIR BUDGET NAME N GO: waits for the file GO to exist, then
 * tries N creates (refs NAME-0 ...) and prints how many were counted.
 * Exits 1 on an error other than the budget's refusal. */

#include <stdlib.h>

#include "apigo-budget.h"
#include "apigo-error.h"
#include "apigo-spend.h"

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  ApigoSpendRequest request = { NULL, "generate", "sora-2", 4 };
  ApigoBudget budget;
  guint i, n, counted = 0;

  if (argc != 6)
    return 1;
  apigo_budget_init (&budget);
  if (!apigo_budget_parse (&budget, argv[2], "the test", &error))
    return 1;
  n = atoi (argv[4]);
  /* All start together, so that their reads and writes interleave. */
  while (!g_file_test (argv[5], G_FILE_TEST_EXISTS))
    g_usleep (1000);
  for (i = 0; i < n; i++) {
    g_autofree gchar *ref = g_strdup_printf ("%s-%u", argv[3], i);

    request.ref = ref;
    if (apigo_spend_reserve (argv[1], &budget, &request, 0, NULL, &error))
      counted++;
    else if (g_error_matches (error, APIGO_ERROR, APIGO_ERROR_BUDGET))
      g_clear_error (&error);
    else
      return 1;
  }
  g_print ("%u\n", counted);
  return 0;
}
