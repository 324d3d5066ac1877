/* mw-retry-policy.c: the one retry policy (see mw-retry-policy.h). */
#include "mw-config.h"

#include "mw-retry-policy.h"

const MwRetryPolicy *
mw_retry_policy_get_default (void)
{
  static const MwRetryPolicy policy = MW_RETRY_POLICY_DEFAULT;

  return &policy;
}
