// SPDX-License-Identifier: MIT
/*
 * The reader of the small text files given beside the trace (sysfs and
 * lspci listings, the kernel log, a baseline, pci.ids): all of a file in
 * one buffer, decompressed when it is gzip, xz or zstd, as the trace's own
 * text is.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bytesrc.h"
#include "iorep-error.h"
#include "iorep-pci.h"

/* Reads all of @src into a buffer of at most @max bytes and a NUL. */
static int read_all(struct iorep_bytesrc *src, size_t max, char **bufp, size_t *lenp)
{
	char *buf = NULL, *nbuf;
	size_t len = 0, alloc = 0;
	ssize_t n;

	for (;;) {
		if (len + 1 >= alloc) {
			size_t nalloc = alloc ? alloc * 2 : 64 * 1024;

			if (nalloc > max + 2)
				nalloc = max + 2;
			nbuf = realloc(buf, nalloc);
			if (!nbuf) {
				free(buf);
				return -IOREP_ENOMEM;
			}
			buf = nbuf;
			alloc = nalloc;
		}
		n = iorep_bytesrc_read(src, buf + len, alloc - len - 1);
		if (n < 0) {
			free(buf);
			return (int)n;
		}
		len += (size_t)n;
		if (len > max) {
			free(buf);
			return -IOREP_ELIMIT;
		}
		if (n == 0)
			break;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
}

int iorep_bytesrc_open_path(const char *path, int *fdp, struct iorep_bytesrc **srcp)
{
	unsigned char head[8];
	struct stat sb;
	ssize_t n;
	int fd, ret;

	*srcp = NULL;
	*fdp = -1;
	if (!strcmp(path, "-")) {
		fd = STDIN_FILENO;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -IOREP_EOPEN;
		/* a directory opens, and fails at its first read: said as what it is */
		if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			close(fd);
			errno = EISDIR;
			return -IOREP_EOPEN;
		}
	}
	n = iorep_read_full(fd, head, sizeof(head));
	ret = n < 0 ? (int)n
		    : iorep_bytesrc_open(srcp, fd, head, (size_t)n,
					 iorep_compression_detect(head, (size_t)n));
	if (ret < 0 && fd != STDIN_FILENO)
		close(fd);
	else
		*fdp = fd;
	return ret;
}

int iorep_snapshot_read(const char *path, size_t max, char **bufp, size_t *lenp)
{
	struct iorep_bytesrc *src = NULL;
	int fd, ret;

	if (max > SIZE_MAX / 2)
		return -IOREP_EINVAL;
	ret = iorep_bytesrc_open_path(path, &fd, &src);
	if (ret == 0)
		ret = read_all(src, max, bufp, lenp);
	iorep_bytesrc_free(src);
	if (fd > STDIN_FILENO)
		close(fd);
	return ret;
}
