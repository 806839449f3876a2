/* SPDX-License-Identifier: MIT */
/*
 * The topology inputs the model is seeded with, before any event is read:
 *
 *  - PCI addresses ("dddd:bb:dd.f", the kernel's dev_name() of a PCI device)
 *    and the class codes that matter for IOMMU groups (bridges);
 *  - the IOMMU group listing of sysfs, either the saved output of
 *    `find /sys/kernel/iommu_groups/ -type l` or a live (or copied)
 *    iommu_groups directory;
 *  - `lspci -nn` output (also -D, -n, plain, and the first lines of -v/-vv/-k);
 *  - the names of vendors, devices and classes in the system's pci.ids.
 *
 * Parsers never stop at a bad line: they count bad lines, remember the
 * first one's number, and fail with -IOREP_EPARSE only when a non-empty
 * input gave nothing at all.  All string arguments are (pointer, length)
 * pairs that need no NUL terminator; a NUL byte inside one makes it invalid.
 */
#ifndef IOREP_PCI_H
#define IOREP_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------------ */
/* PCI addresses */

struct iorep_pci_addr {
	uint32_t domain; /* "segment"; 0..0xffff, larger for VMD (10000:e0:1d.0) */
	uint8_t bus;
	uint8_t dev; /* 0..0x1f */
	uint8_t fn;  /* 0..7 */
};

/* Longest formatted address, "ffffffff:ff:1f.7", with its NUL. */
#define IOREP_PCI_ADDR_BUFSZ 18

/*
 * Parses exactly @len bytes: "bb:dd.f" (domain 0) or "dddd:bb:dd.f".  The
 * domain has 4 to 8 hex digits (the kernel prints %04x, so VMD domains have
 * 5), the bus 2, the device 2 (at most 1f), the function 1 (at most 7); hex
 * digits in either case, nothing before or after.  Returns 0, or
 * -IOREP_EPARSE with @addr untouched.
 */
int iorep_pci_addr_parse(struct iorep_pci_addr *addr, const char *s, size_t len);

/*
 * Whether the device name @name (as in sysfs and in trace events) is a PCI
 * address; fills @addr (may be NULL) if so.  Platform device names such as
 * "ff200000.iommu" or "a0000000.usb" are simply not PCI: never an error.
 */
bool iorep_pci_name_is_pci(struct iorep_pci_addr *addr, const char *name, size_t len);

/*
 * Writes the canonical form ("0000:00:1f.2", 12 characters when the domain
 * fits 16 bits) and a NUL to @buf.  Returns the length, or -IOREP_EINVAL if
 * @size is too small (IOREP_PCI_ADDR_BUFSZ always suffices).
 */
int iorep_pci_addr_format(const struct iorep_pci_addr *addr, char *buf, size_t size);

/* Orders by domain, bus, device, function, like `lspci`: <0, 0 or >0. */
int iorep_pci_addr_cmp(const struct iorep_pci_addr *a, const struct iorep_pci_addr *b);

/* ------------------------------------------------------------------------ */
/* Class codes */

/*
 * These take the 16-bit class code: base class << 8 | sub-class, which is
 * what `lspci -nn` prints in brackets ("[0604]").  The 24-bit value of
 * sysfs' class file and of config space (0x060400) includes the programming
 * interface: shift it right by 8 first.
 */
#define IOREP_PCI_CLASS_BRIDGE_HOST 0x0600
#define IOREP_PCI_CLASS_BRIDGE_ISA 0x0601
#define IOREP_PCI_CLASS_BRIDGE_PCI 0x0604 /* prog-if 00 normal, 01 subtractive decode */
#define IOREP_PCI_CLASS_BRIDGE_CARDBUS 0x0607
#define IOREP_PCI_CLASS_BRIDGE_PCI_SEMI 0x0609 /* semi-transparent PCI-to-PCI */

/* A PCI-to-PCI bridge: 0x0604 or 0x0609 (CardBus bridges are not included). */
bool iorep_pci_class_is_bridge(uint16_t class_code);
/* The host bridge, 0x0600. */
bool iorep_pci_class_is_host_bridge(uint16_t class_code);
/* The ISA (LPC) bridge, 0x0601; VT-d gives it a 16 MiB identity map at IOVA 0. */
bool iorep_pci_class_is_isa_bridge(uint16_t class_code);

/* ------------------------------------------------------------------------ */
/* Reading the small text snapshots */

/* Snapshots larger than this are refused with -IOREP_ELIMIT. */
#define IOREP_SNAPSHOT_MAX (64u << 20)

/*
 * Reads all of @path ("-" for stdin), decompressed when it is gzip, xz or
 * zstd, at most @max bytes (decompressed), into a new buffer with a NUL
 * after the last byte.  Returns 0 and sets *@buf and *@len, or -IOREP_EOPEN,
 * -IOREP_EIO, -IOREP_ELIMIT, -IOREP_ENOMEM, -IOREP_EDECOMPRESS,
 * -IOREP_ETRUNCATED.  The caller frees *@buf with free().  (src/snapshot.c)
 */
int iorep_snapshot_read(const char *path, size_t max, char **buf, size_t *len);

/* ------------------------------------------------------------------------ */
/* IOMMU groups from sysfs */

/* Longest device name sysfs can hold (NAME_MAX); longer ones are bad lines. */
#define IOREP_DEV_NAME_MAX 255

struct iorep_group_dev {
	uint32_t group; /* the IOMMU group id (the kernel's is an int >= 0) */
	bool is_pci;	/* name is a PCI address, parsed in addr */
	struct iorep_pci_addr addr;
	char *name; /* as sysfs spells it; owned by the list */
};

/* Longest group type sysfs writes ("identity", "DMA-FQ", "blocked"), with the NUL. */
#define IOREP_GROUP_TYPE_MAX 16

/* A group's default domain type, from <group>/type. */
struct iorep_group_type {
	uint32_t group;
	char type[IOREP_GROUP_TYPE_MAX];
};

/*
 * A list of (group, device), sorted by group, then PCI devices by address,
 * then other devices by name.  Each parse or read appends, re-sorts and
 * drops exact duplicates.
 */
struct iorep_sysfs_groups {
	struct iorep_group_dev *devs;
	size_t nr;
	size_t alloc;
	uint64_t lines;		 /* lines (or directory entries) read */
	uint64_t bad;		 /* lines or entries that were not group/devices/name */
	uint64_t first_bad_line; /* 1-based, 0 when none (or from a directory) */
	uint64_t duplicates;	 /* the same group and device given again */
	uint64_t conflicts;	 /* a device listed in more than one group */
	struct iorep_group_type *types;	/* in input order; a later one wins */
	size_t ntypes, types_alloc;
};

void iorep_sysfs_groups_init(struct iorep_sysfs_groups *g);
/* Frees the entries and their names; @g can be used again after init. */
void iorep_sysfs_groups_release(struct iorep_sysfs_groups *g);

/*
 * Parses `find /sys/kernel/iommu_groups/ -type l` output: one path a line,
 * ".../<group>/devices/<name>", in any order, with any prefix (absolute,
 * relative, "./", doubled or trailing slashes), blank lines, CRLF and no
 * final newline all accepted.  Lines ".../<group>/type:<type>", which
 * `grep -H . /sys/kernel/iommu_groups/[0-9]*\/type` prints, give the
 * groups' default domain types (letters and '-', at most 15).  Returns the number of entries added, or
 * -IOREP_EPARSE when @len is non-zero, lines were bad and none parsed, or
 * -IOREP_ENOMEM.  The list owns what it adds.
 */
int iorep_sysfs_groups_parse(struct iorep_sysfs_groups *g, const char *buf, size_t len);

/* iorep_sysfs_groups_parse() on the contents of @path ("-" for stdin). */
int iorep_sysfs_groups_read_file(struct iorep_sysfs_groups *g, const char *path);

/*
 * Reads a directory laid out as /sys/kernel/iommu_groups: <group>/devices/
 * <name> entries, symlinks in sysfs, of which only the names are read (the
 * links are not followed, so a copied tree with dangling links works), and
 * each group's "type" file when it has one.
 * Returns the number of entries added, -IOREP_EOPEN if @path is not a
 * readable directory, -IOREP_EPARSE if it held entries but none parsed, or
 * -IOREP_ENOMEM.
 */
int iorep_sysfs_groups_read_dir(struct iorep_sysfs_groups *g, const char *path);

/* The default domain type of @group ("DMA", "DMA-FQ", "identity", ...), or NULL. */
const char *iorep_sysfs_groups_type(const struct iorep_sysfs_groups *g, uint32_t group);

/* read_dir() if @path is a directory, else read_file(). */
int iorep_sysfs_groups_load(struct iorep_sysfs_groups *g, const char *path);

/* Number of distinct groups in the list. */
size_t iorep_sysfs_groups_count(const struct iorep_sysfs_groups *g);

/* The first entry for device @name, or NULL. */
const struct iorep_group_dev *iorep_sysfs_groups_find(const struct iorep_sysfs_groups *g,
						      const char *name, size_t len);

/* ------------------------------------------------------------------------ */
/* lspci */

/* Longer lines cannot come from lspci (its name buffers hold 256 bytes). */
#define IOREP_LSPCI_LINE_MAX 1024

/*
 * One device line:
 *   00:1f.2 SATA controller [0106]: Intel Corporation 82801IR/IO/IH (ICH9R/DO/DH)
 *           6 port SATA Controller [AHCI mode] [8086:2922] (rev 02)
 * (one line), "0000:00:1f.2 ..." with -D, "00:1f.2 0106: 8086:2922 (rev 02)"
 * with -n, no bracketed numbers without -n, "(prog-if 01 [AHCI 1.0])" with -v.
 */
struct iorep_lspci_dev {
	struct iorep_pci_addr addr;
	bool has_domain;     /* the line gave the domain (lspci -D, or a domain != 0) */
	bool has_class;	     /* class_code is valid */
	bool has_ids;	     /* vendor and device are valid */
	bool has_rev;	     /* lspci prints "(rev xx)" only when it is not 0 */
	bool has_prog_if;    /* "(prog-if xx [name])", lspci -v only */
	uint16_t class_code; /* base class << 8 | sub-class: 0x0106 */
	uint16_t vendor;     /* from the LAST [vvvv:dddd] on the line */
	uint16_t device;
	uint8_t rev;
	uint8_t prog_if;
	char *class_name; /* "SATA controller"; "" with lspci -n */
	char *desc;	  /* "Intel Corporation 82801IR/..."; "" with lspci -n */
	uint64_t line;	  /* 1-based line number in its input */
};

/*
 * Parses one line (@len bytes, no newline; a trailing CR is ignored).
 * Returns 1 with @dev filled (its strings to be freed with
 * iorep_lspci_dev_release()), 0 for a line that is not a device line but
 * belongs in lspci output (blank, or a tab-indented -v/-k continuation), or
 * -IOREP_EPARSE (too long, NUL or control bytes, no address, no
 * "class: " field, nothing after it), or -IOREP_ENOMEM.
 */
int iorep_lspci_parse_line(struct iorep_lspci_dev *dev, const char *line, size_t len);

/* Frees the strings of @dev. */
void iorep_lspci_dev_release(struct iorep_lspci_dev *dev);

/* Devices sorted by address; each parse or read appends and re-sorts. */
struct iorep_lspci {
	struct iorep_lspci_dev *devs;
	size_t nr;
	size_t alloc;
	uint64_t lines;
	uint64_t ignored; /* blank and continuation lines */
	uint64_t bad;
	uint64_t first_bad_line; /* 1-based, 0 when none */
	uint64_t duplicates;	 /* addresses given twice (both entries kept) */
};

void iorep_lspci_init(struct iorep_lspci *l);
/* Frees the devices and their strings; @l can be used again after init. */
void iorep_lspci_release(struct iorep_lspci *l);

/*
 * Parses lspci output.  Returns the number of devices added, -IOREP_EPARSE
 * when bad lines and no device came from it, or -IOREP_ENOMEM.  The list
 * owns what it adds.
 */
int iorep_lspci_parse(struct iorep_lspci *l, const char *buf, size_t len);

/* iorep_lspci_parse() on the contents of @path ("-" for stdin). */
int iorep_lspci_read_file(struct iorep_lspci *l, const char *path);

/* The device at @addr, or NULL. */
const struct iorep_lspci_dev *iorep_lspci_find(const struct iorep_lspci *l,
					       const struct iorep_pci_addr *addr);

/* ------------------------------------------------------------------------ */
/* pci.ids */

struct iorep_pciids;

/*
 * Returns a handle on the pci.ids file at @path, or, when @path is NULL, on
 * the first of /usr/share/misc/pci.ids, /usr/share/hwdata/pci.ids,
 * /usr/share/pci.ids that exists.  Nothing is read yet: the first lookup
 * (or iorep_pciids_load()) reads the file once into a compact table.
 * Returns NULL on allocation failure; iorep_pciids_free() frees it.
 */
struct iorep_pciids *iorep_pciids_new(const char *path);
void iorep_pciids_free(struct iorep_pciids *ids);

/*
 * Reads the file if that was not done yet.  Returns 0, or the error of the
 * first attempt (-IOREP_EOPEN when no file exists, -IOREP_ENOMEM, ...);
 * a failed load is not retried.
 */
int iorep_pciids_load(struct iorep_pciids *ids);

/*
 * Lookups; NULL when unknown or when the file cannot be read.  The strings
 * belong to @ids and live until iorep_pciids_free().
 */
const char *iorep_pciids_vendor(struct iorep_pciids *ids, uint16_t vendor);
const char *iorep_pciids_device(struct iorep_pciids *ids, uint16_t vendor, uint16_t device);
/* The sub-class name of 16-bit @class_code, else its base class name. */
const char *iorep_pciids_class(struct iorep_pciids *ids, uint16_t class_code);

#endif
