// SPDX-License-Identifier: MIT
/* One-line messages on stderr, inert (see iorep-message.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "iorep-message.h"
#include "iorep-render.h"

void iorep_vmessage(FILE *fp, const char *fmt, va_list ap)
{
	char small[512], *buf = small;
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n >= (int)sizeof(small)) {
		buf = malloc((size_t)n + 1);
		if (buf)
			vsnprintf(buf, (size_t)n + 1, fmt, again);
		else
			buf = small; /* cut short rather than lost */
	}
	va_end(again);
	fputs("iommu-report: ", fp);
	if (n < 0)
		fputs("(a message that cannot be formatted)", fp);
	else
		iorep_put_inert(fp, buf);
	fputc('\n', fp);
	if (buf != small)
		free(buf);
}

void iorep_message(FILE *fp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	iorep_vmessage(fp, fmt, ap);
	va_end(ap);
}
