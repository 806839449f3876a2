// SPDX-License-Identifier: MIT
#include <errno.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "bytesrc.h"
#include "iorep-error.h"

#define BYTESRC_BUF (256 * 1024)
/* a plain read at least this large goes straight to the caller's buffer */
#define BYTESRC_DIRECT (16 * 1024)
#define ZSTD_SLICE 4096

struct iorep_bytesrc {
	int fd;
	enum iorep_compression comp;
	unsigned char *in;	/* input read ahead: compressed, or plain for a small read */
	size_t in_pos, in_len, in_cap;
	int in_eof;
	unsigned long long consumed;
	z_stream z;
	lzma_stream x;
	ZSTD_DStream *zs;
	int frame_open;	/* a compressed frame was started and not finished */
	int err;	/* an error met after some output: returned by the next read */
};

enum iorep_compression iorep_compression_detect(const unsigned char *h, size_t len)
{
	if (len >= 2 && h[0] == 0x1f && h[1] == 0x8b)
		return IOREP_COMP_GZIP;
	if (len >= 6 && !memcmp(h, "\xfd" "7zXZ\0", 6))
		return IOREP_COMP_XZ;
	if (len >= 4 && h[0] == 0x28 && h[1] == 0xb5 && h[2] == 0x2f && h[3] == 0xfd)
		return IOREP_COMP_ZSTD;
	return IOREP_COMP_NONE;
}

const char *iorep_compression_name(enum iorep_compression c)
{
	static const char *const names[] = { NULL, "gzip", "xz", "zstd" };

	return names[c];
}

int iorep_bytesrc_open(struct iorep_bytesrc **out, int fd, const unsigned char *pre, size_t prelen,
		       enum iorep_compression comp)
{
	struct iorep_bytesrc *src = calloc(1, sizeof(*src));
	int ret = -IOREP_ENOMEM;

	if (!src)
		return ret;
	src->fd = fd;
	src->comp = comp;
	/*
	 * Plain data is read into the caller's buffer as a rule: the buffer
	 * holds @pre, and grows on the first small read (bytesrc_fill()).
	 */
	src->in_cap = comp == IOREP_COMP_NONE || prelen > BYTESRC_BUF ? prelen : BYTESRC_BUF;
	src->in = malloc(src->in_cap ? src->in_cap : 1);
	if (!src->in)
		goto fail;
	memcpy(src->in, pre, prelen);
	src->in_len = prelen;
	switch (comp) {
	case IOREP_COMP_GZIP:
		/* 15 + 32: a gzip or zlib header, detected */
		if (inflateInit2(&src->z, 15 + 32) != Z_OK)
			goto fail;
		break;
	case IOREP_COMP_XZ:
		src->x = (lzma_stream)LZMA_STREAM_INIT;
		if (lzma_stream_decoder(&src->x, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
			goto fail;
		break;
	case IOREP_COMP_ZSTD:
		src->zs = ZSTD_createDStream();
		if (!src->zs)
			goto fail;
		break;
	case IOREP_COMP_NONE:
		break;
	}
	*out = src;
	return 0;
fail:
	free(src->in);
	free(src);
	return ret;
}

/* Makes sure input is buffered; returns 0, -IOREP_EIO or -IOREP_ENOMEM. */
static int bytesrc_fill(struct iorep_bytesrc *src)
{
	unsigned char *in;
	ssize_t n;

	if (src->in_pos < src->in_len || src->in_eof)
		return 0;
	if (src->in_cap < BYTESRC_BUF) {
		in = realloc(src->in, BYTESRC_BUF);
		if (!in)
			return -IOREP_ENOMEM;
		src->in = in;
		src->in_cap = BYTESRC_BUF;
	}
	do {
		n = read(src->fd, src->in, BYTESRC_BUF);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -IOREP_EIO;
	src->in_pos = 0;
	src->in_len = (size_t)n;
	if (n == 0)
		src->in_eof = 1;
	return 0;
}

/*
 * A decompressor failed with @err after writing @done bytes in this call:
 * those are returned first, the error by the next call.
 */
static ssize_t held(struct iorep_bytesrc *src, size_t done, int err)
{
	if (!done)
		return err;
	src->err = err;
	return (ssize_t)done;
}

static ssize_t read_plain(struct iorep_bytesrc *src, unsigned char *buf, size_t len)
{
	ssize_t got;
	size_t n;
	int ret;

	if (src->in_pos == src->in_len && !src->in_eof && len >= BYTESRC_DIRECT) {
		/* nothing buffered and a large read: straight into @buf, no second copy */
		do {
			got = read(src->fd, buf, len);
		} while (got < 0 && errno == EINTR);
		if (got < 0)
			return -IOREP_EIO;
		if (got == 0)
			src->in_eof = 1;
		src->consumed += (size_t)got;
		return got;
	}
	ret = bytesrc_fill(src);
	if (ret)
		return ret;
	n = src->in_len - src->in_pos;
	if (n > len)
		n = len;
	memcpy(buf, src->in + src->in_pos, n);
	src->in_pos += n;
	src->consumed += n;
	return (ssize_t)n;
}

static ssize_t read_gzip(struct iorep_bytesrc *src, unsigned char *buf, size_t len)
{
	size_t before;
	int ret, zr;

	src->z.next_out = buf;
	src->z.avail_out = (uInt)len;
	while (src->z.avail_out == len) {
		ret = bytesrc_fill(src);
		if (ret)
			return ret;
		if (src->in_eof)
			return src->frame_open ? -IOREP_ETRUNCATED : 0;
		src->z.next_in = src->in + src->in_pos;
		src->z.avail_in = (uInt)(src->in_len - src->in_pos);
		before = src->z.avail_in;
		zr = inflate(&src->z, Z_NO_FLUSH);
		src->in_pos += before - src->z.avail_in;
		src->consumed += before - src->z.avail_in;
		src->frame_open = 1;
		if (zr == Z_STREAM_END) {
			/* concatenated members, as gzip itself reads them */
			src->frame_open = 0;
			if (inflateReset(&src->z) != Z_OK)
				return -IOREP_EDECOMPRESS;
		} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			return held(src, len - src->z.avail_out, -IOREP_EDECOMPRESS);
		}
	}
	return (ssize_t)(len - src->z.avail_out);
}

static ssize_t read_xz(struct iorep_bytesrc *src, unsigned char *buf, size_t len)
{
	lzma_action action;
	lzma_ret lr;
	size_t before;
	int ret;

	src->x.next_out = buf;
	src->x.avail_out = len;
	while (src->x.avail_out == len) {
		ret = bytesrc_fill(src);
		if (ret)
			return ret;
		action = src->in_eof ? LZMA_FINISH : LZMA_RUN;
		src->x.next_in = src->in + src->in_pos;
		src->x.avail_in = src->in_len - src->in_pos;
		before = src->x.avail_in;
		lr = lzma_code(&src->x, action);
		src->in_pos += before - src->x.avail_in;
		src->consumed += before - src->x.avail_in;
		if (lr == LZMA_STREAM_END)
			break;
		if (lr != LZMA_OK)
			return held(src, len - src->x.avail_out,
				    lr == LZMA_BUF_ERROR ? -IOREP_ETRUNCATED : -IOREP_EDECOMPRESS);
	}
	return (ssize_t)(len - src->x.avail_out);
}

static ssize_t read_zstd(struct iorep_bytesrc *src, unsigned char *buf, size_t len)
{
	ZSTD_outBuffer ob = { buf, len, 0 };
	ZSTD_inBuffer ib;
	size_t zr;
	int ret;

	while (ob.pos == 0) {
		ret = bytesrc_fill(src);
		if (ret)
			return ret;
		if (src->in_eof)
			return src->frame_open ? -IOREP_ETRUNCATED : 0;
		/*
		 * a slice at a time: on an error zstd forgets what it wrote in that
		 * call, so a call must not span many blocks
		 */
		ib = (ZSTD_inBuffer){ src->in + src->in_pos,
				      src->in_len - src->in_pos < ZSTD_SLICE ? src->in_len - src->in_pos :
									       ZSTD_SLICE,
				      0 };
		zr = ZSTD_decompressStream(src->zs, &ob, &ib);
		src->in_pos += ib.pos;
		src->consumed += ib.pos;
		if (ZSTD_isError(zr))
			return held(src, ob.pos, -IOREP_EDECOMPRESS);
		src->frame_open = zr != 0;
	}
	return (ssize_t)ob.pos;
}

ssize_t iorep_bytesrc_read(struct iorep_bytesrc *src, void *buf, size_t len)
{
	if (!len)
		return 0;
	if (src->err)
		return src->err;
	switch (src->comp) {
	case IOREP_COMP_GZIP:
		return read_gzip(src, buf, len);
	case IOREP_COMP_XZ:
		return read_xz(src, buf, len);
	case IOREP_COMP_ZSTD:
		return read_zstd(src, buf, len);
	default:
		return read_plain(src, buf, len);
	}
}

ssize_t iorep_read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, (unsigned char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -IOREP_EIO;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

unsigned long long iorep_bytesrc_offset(const struct iorep_bytesrc *src)
{
	return src->consumed;
}

void iorep_bytesrc_free(struct iorep_bytesrc *src)
{
	if (!src)
		return;
	if (src->comp == IOREP_COMP_GZIP)
		inflateEnd(&src->z);
	else if (src->comp == IOREP_COMP_XZ)
		lzma_end(&src->x);
	else if (src->comp == IOREP_COMP_ZSTD)
		ZSTD_freeDStream(src->zs);
	free(src->in);
	free(src);
}
