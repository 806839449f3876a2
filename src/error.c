// SPDX-License-Identifier: MIT
#include <string.h>

#include "iorep-error.h"

#define _E(code, str) str,
static const char *const iorep_error_str[] = { IOREP_ERRORS };
#undef _E

const char *iorep_strerror(int err)
{
	int idx;

	if (err < 0)
		err = -err;
	if (err > IOREP_E__START && err < IOREP_E__END) {
		idx = err - IOREP_E__START - 1;
		return iorep_error_str[idx];
	}
	return strerror(err);
}
