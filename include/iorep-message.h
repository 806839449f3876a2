/* SPDX-License-Identifier: MIT */
/*
 * The program's one-line messages on stderr: errors and warnings.  They
 * carry file names the user gave and text read from files, any of which may
 * hold a newline, an escape sequence or other control bytes; written inert
 * (iorep_put_inert(): \n, \x1b, ...), a message stays one line and cannot
 * drive the terminal.
 */
#ifndef IOREP_MESSAGE_H
#define IOREP_MESSAGE_H

#include <stdarg.h>
#include <stdio.h>

/*
 * Writes "iommu-report: ", the message @fmt formats, made inert, and a
 * newline to @fp.  @fmt holds no newline of its own.
 */
void iorep_message(FILE *fp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void iorep_vmessage(FILE *fp, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
