// SPDX-License-Identifier: MIT
/*
 * Preloaded (LD_PRELOAD) into every program tests/memcheck.sh runs under
 * valgrind in a memcheck build: libtraceevent's parser of the kallsyms table
 * a trace.dat carries, made a no-op.
 *
 * libtracecmd parses that table (tens of thousands of "address type name"
 * lines, one sscanf() and a few allocations each) every time a trace.dat is
 * opened, and under valgrind that is two thirds of the CPU an open costs:
 * `iommu-report --summary` on the 6.12 vfio capture takes 6.2 s of CPU with
 * it, 2.0 s without, and the tests open sample trace.dat files about 150
 * times.  It is library code checked on the same bytes again and again; our
 * code never reads the symbols (no iommu or dma event prints a function
 * address), and the outputs the tests compare (golden JSON, DOT and
 * trace-cmd text, the model's findings) are compared under valgrind too, so
 * a difference it made would fail them.  Every other build parses kallsyms.
 */
/* libtraceevent's declaration (event-parse.h), without linking the library */
struct tep_handle;
int tep_parse_kallsyms(struct tep_handle *tep, const char *kallsyms);

int tep_parse_kallsyms(struct tep_handle *tep, const char *kallsyms)
{
	return 0;
}
