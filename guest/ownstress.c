// SPDX-License-Identifier: GPL-2.0
/*
 * ownstress: the bench's adversarial guest program (issue 9), statically linked
 * into the initramfs next to benchtool. TAP on stdout.
 *
 *   ownstress soak SECONDS   race user owners, kernel binders, opt-out swaps,
 *                         remove/rescan, QMP hot-add/remove and driver_override
 *                         writers on the shared group and a one-device group,
 *                         while a watcher checks that no endpoint of a group a
 *                         user owner holds is bound to a driver that claims
 *                         kernel DMA; then quiesces and proves the counts
 *                         balanced by behaviour.
 *   ownstress faults [STRIDE [WORD]] for every ownership path that allocates
 *                         (whose name has WORD), fail its n-th allocation
 *                         (/proc/thread-self/fail-nth) for n = 1, 2, ...
 *                         until it runs out of allocations
 *   ownstress badinput       bad input at the sysfs and VFIO surface
 *
 * Figures for the host: lines "# figure NAME VALUE".
 *
 * The devices are the bench VM's (bench/vm.py): group A is the group of two
 * e1000 and an edu behind a PCIe-to-PCI bridge, group B an e1000 alone on a
 * root port, the ivshmem device carries the DFL image; the soak hot-adds an
 * e1000 on the empty root port rp4 through the host (QMP).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "ename.h"

#define PCI "/sys/bus/pci"
#define DFL "/sys/bus/dfl"
#define E1000 "0x8086:0x100e"
#define EDU "0x1234:0x11e8"
#define IVSHMEM "0x1af4:0x1110"
#define MAXDEV 8
/* see wr_bounded() */
#define WEDGE_SECONDS 120
#define WEDGED "/tmp/bench-pci-wedged"

/* ------------------------------------------------------------------ TAP */

static int tap_n, tap_fails;

static void tap(int ok, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!ok)
		tap_fails++;
	printf("%s %d - ", ok ? "ok" : "not ok", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_fails ? 1 : 0;
}

/* ---------------------------------------------------------------- sysfs */

static void cpy(char *dst, size_t size, const char *src)
{
	size_t len = 0;

	while (len + 1 < size && src[len]) {
		dst[len] = src[len];
		len++;
	}
	dst[len] = 0;
}

/* write LEN bytes of VAL to PATH: 0 or an errno */
static int wr_n(const char *path, const char *val, size_t len)
{
	int fd = open(path, O_WRONLY), e = 0;

	if (fd < 0)
		return errno;
	if (write(fd, val, len) < 0)
		e = errno;
	close(fd);
	return e;
}

static int wr(const char *path, const char *val)
{
	return wr_n(path, val, strlen(val));
}

static int wrf(const char *val, const char *fmt, ...)
{
	char path[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return wr(path, val);
}

/* read PATH into BUF without the trailing newline; -1 if unreadable */
static int rd(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	buf[0] = 0;
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	return 0;
}

static int exists(const char *fmt, ...)
{
	char path[512];
	struct stat st;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return stat(path, &st) == 0;
}

/* driver of BUS device DEV: its name, "none", or "-" if DEV is absent */
static const char *drv_on(const char *bus, const char *dev, char *buf, size_t size)
{
	char path[512], link[512];
	ssize_t n;
	char *p;

	snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s/driver", bus, dev);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		cpy(buf, size, exists("/sys/bus/%s/devices/%s", bus, dev) ? "none" : "-");
		return buf;
	}
	link[n] = 0;
	p = strrchr(link, '/');
	cpy(buf, size, p ? p + 1 : link);
	return buf;
}

static const char *drv(const char *dev, char *buf, size_t size)
{
	return drv_on("pci", dev, buf, size);
}

/* IOMMU group number of DEV, or -1 */
static int group_of(const char *dev)
{
	char path[512], link[512];
	ssize_t n;
	char *p;

	snprintf(path, sizeof(path), PCI "/devices/%s/iommu_group", dev);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -1;
	link[n] = 0;
	p = strrchr(link, '/');
	return p ? atoi(p + 1) : -1;
}

/*
 * The IOMMU group that a group fd reached: the /dev/vfio entry with the fd's
 * device number, or -1. Not always the group whose node was opened: 5.10's
 * vfio frees a group's minor when the group goes (its last vfio device
 * unbound) and gives it to the next group it creates, and the open looks the
 * group up by minor, so an open of /dev/vfio/G that races G's release and
 * another group's creation reaches that other group.
 */
static int group_of_fd(int fd)
{
	struct stat st, e;
	struct dirent *de;
	char p[300];
	int g = -1;
	DIR *d;

	if (fstat(fd, &st))
		return -1;
	d = opendir("/dev/vfio");
	while (d && g < 0 && (de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(p, sizeof(p), "/dev/vfio/%s", de->d_name);
		if (!stat(p, &e) && e.st_rdev == st.st_rdev)
			g = atoi(de->d_name);
	}
	if (d)
		closedir(d);
	return g;
}

/* drivers that do no kernel DMA on the device (suppress_auto_claim_dma_owner) */
static int opt_out(const char *d)
{
	return !strcmp(d, "none") || !strcmp(d, "-") || !strcmp(d, "vfio-pci") ||
	       !strcmp(d, "pci-stub") || !strcmp(d, "pcieport");
}

/* PCI devices with vendor:device ID, in bus order */
static int find_pci(const char *id, char out[][16], int max)
{
	struct dirent **nl;
	int n, i, k = 0;

	n = scandir(PCI "/devices", &nl, NULL, alphasort);
	for (i = 0; i < n; i++) {
		char v[16], d[16], both[40], p[512];

		if (nl[i]->d_name[0] != '.' && k < max) {
			snprintf(p, sizeof(p), PCI "/devices/%s/vendor", nl[i]->d_name);
			rd(p, v, sizeof(v));
			snprintf(p, sizeof(p), PCI "/devices/%s/device", nl[i]->d_name);
			rd(p, d, sizeof(d));
			snprintf(both, sizeof(both), "%s:%s", v, d);
			if (!strcmp(both, id))
				cpy(out[k++], 16, nl[i]->d_name);
		}
		free(nl[i]);
	}
	if (n >= 0)
		free(nl);
	return k;
}

/* unbind DEV, set its driver_override to DRV ("" clears), drivers_probe */
static int to_driver(const char *dev, const char *d)
{
	char cur[64];

	if (strcmp(drv(dev, cur, sizeof(cur)), "none") && strcmp(cur, "-"))
		wrf(dev, PCI "/devices/%s/driver/unbind", dev);
	wrf(*d ? d : "\n", PCI "/devices/%s/driver_override", dev);
	return wr(PCI "/drivers_probe", dev);
}

static int unbind(const char *dev)
{
	char cur[64];

	if (!strcmp(drv(dev, cur, sizeof(cur)), "none") || !strcmp(cur, "-"))
		return 0;
	return wrf(dev, PCI "/devices/%s/driver/unbind", dev);
}

static void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* the host (bench/vm.py) carries out "@@HOST" lines through QMP */
static void host(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int fd;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fd = open("/dev/kmsg", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, line, strlen(line)) < 0)
			perror("kmsg");
		close(fd);
	}
}

/* -------------------------------------------------------- the devices */

static char A[MAXDEV][16], B[16], IVS[16], EDU2[16];
static int nA;	/* A[0], A[1]: e1000; A[2]: edu */

static int discover(void)
{
	char e[MAXDEV][16], edu[MAXDEV][16], ivs[2][16];
	int ne, nedu, i, j;

	ne = find_pci(E1000, e, MAXDEV);
	nedu = find_pci(EDU, edu, MAXDEV);
	nA = 0;
	B[0] = 0;
	for (i = 0; i < ne; i++) {
		int g = group_of(e[i]), shared = 0;

		for (j = 0; j < ne; j++)
			if (j != i && group_of(e[j]) == g)
				shared = 1;
		if (shared && nA < 2)
			cpy(A[nA++], 16, e[i]);
		else if (!shared && !B[0])
			cpy(B, 16, e[i]);
	}
	/*
	 * The edu of group A; with a device tree (arm64) a device that no
	 * driver took yet has no group: then the edu in A[0]'s slot
	 * ("DDDD:BB:SS."), one of the functions that share it.
	 */
	for (i = 0; nA == 2 && i < nedu; i++)
		if (group_of(edu[i]) == group_of(A[0]) ||
		    (group_of(edu[i]) < 0 && !strncmp(edu[i], A[0], 11)))
			cpy(A[nA++], 16, edu[i]);
	/* an edu alone in its group (x86_64): the soak's second group */
	EDU2[0] = 0;
	for (i = 0; i < nedu; i++) {
		int g = group_of(edu[i]), alone = g >= 0;

		for (j = 0; j < nedu; j++)
			if (j != i && group_of(edu[j]) == g)
				alone = 0;
		for (j = 0; j < ne; j++)
			if (group_of(e[j]) == g)
				alone = 0;
		if (alone && !EDU2[0])
			cpy(EDU2, 16, edu[i]);
	}
	IVS[0] = 0;
	if (find_pci(IVSHMEM, ivs, 2) > 0)
		cpy(IVS, 16, ivs[0]);
	if (nA != 3 || !B[0]) {
		printf("not ok 1 - the bench VM's groups (A: 2 e1000 + edu, B: 1 e1000) were not found\n1..1\n");
		return -1;
	}
	diag("group A %d: %s %s %s; group B %d: %s; ivshmem %s", group_of(A[0]), A[0], A[1],
	     A[2], group_of(B), B, IVS[0] ? IVS : "none");
	return 0;
}

/* the first DFL device, or "" */
static void dfl_dev(char *out, size_t size)
{
	struct dirent **nl;
	int n, i;

	out[0] = 0;
	n = scandir(DFL "/devices", &nl, NULL, alphasort);
	for (i = 0; i < n; i++) {
		if (nl[i]->d_name[0] != '.' && !out[0])
			cpy(out, size, nl[i]->d_name);
		free(nl[i]);
	}
	if (n >= 0)
		free(nl);
}

/* bring the VM's devices to their boot state: every e1000 on e1000 */
static void reset_devices(void)
{
	const char *all[] = { A[0], A[1], A[2], B, IVS };
	unsigned int i;

	if (!exists(PCI "/devices/%s", A[0]) || !exists(PCI "/devices/%s", A[1]) ||
	    !exists(PCI "/devices/%s", A[2]) || !exists(PCI "/devices/%s", B))
		wr(PCI "/rescan", "1");
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (!all[i][0])
			continue;
		unbind(all[i]);
		/* the DFL enumerator binds only by driver_override (guest/init) */
		wrf(all[i] == IVS ? "dfl-test-pci" : "\n", PCI "/devices/%s/driver_override",
		    all[i]);
		wr(PCI "/drivers_probe", all[i]);
	}
}

/* ----------------------------------------------------- VFIO, one owner */

struct owner {
	int container, group, device;
};

static void owner_close(struct owner *o)
{
	if (o->device >= 0)
		close(o->device);
	if (o->group >= 0)
		close(o->group);
	if (o->container >= 0)
		close(o->container);
	o->device = o->group = o->container = -1;
}

/*
 * Claim group G for a user owner: open it and SET_CONTAINER. 0 or an errno;
 * on error nothing stays open.
 */
static int owner_claim(struct owner *o, int g)
{
	char path[64];
	int e;

	o->device = -1;
	snprintf(path, sizeof(path), "/dev/vfio/%d", g);
	o->container = open("/dev/vfio/vfio", O_RDWR);
	o->group = open(path, O_RDWR);
	if (o->container < 0 || o->group < 0) {
		e = errno;
		owner_close(o);
		return e;
	}
	if (ioctl(o->group, VFIO_GROUP_SET_CONTAINER, &o->container)) {
		e = errno;
		owner_close(o);
		return e;
	}
	return 0;
}

/* -------------------------------------------------- balance by behaviour */

/*
 * The counts are balanced if, with every endpoint of the group on an
 * opt-out driver, a user claim succeeds, and after its release a kernel
 * driver binds every e1000 of the group. DEVS ends with NULL.
 */
static int is_e1000(const char *dev)
{
	char p[256], v[16], d[16], id[40];

	snprintf(p, sizeof(p), PCI "/devices/%s/vendor", dev);
	rd(p, v, sizeof(v));
	snprintf(p, sizeof(p), PCI "/devices/%s/device", dev);
	rd(p, d, sizeof(d));
	snprintf(id, sizeof(id), "%s:%s", v, d);
	return !strcmp(id, E1000);
}

/*
 * A failed balance check explains itself: the group's ownership as the
 * kernel sees it (dma_owner: owner, kernel uses, off its default domain),
 * each device's driver, override and group, and the processes that still
 * hold the group's VFIO file open.
 */
static void explain_group(const char *what, int g, const char **devs)
{
	char p[300], v[128], ovr[64], cur[64];
	struct dirent *de, *fe;
	DIR *d, *fd;
	int i;

	snprintf(p, sizeof(p), "/sys/kernel/iommu_groups/%d/dma_owner", g);
	if (rd(p, v, sizeof(v)))
		snprintf(v, sizeof(v), "(no dma_owner file)");
	diag("%s: group %d dma_owner: %s", what, g, v);
	for (i = 0; devs[i]; i++) {
		snprintf(p, sizeof(p), PCI "/devices/%s/driver_override", devs[i]);
		if (rd(p, ovr, sizeof(ovr)))
			snprintf(ovr, sizeof(ovr), "?");
		diag("%s:   %s driver %s, override %s, group %d", what, devs[i],
		     drv(devs[i], cur, sizeof(cur)), ovr, group_of(devs[i]));
	}
	snprintf(v, sizeof(v), "/dev/vfio/%d", g);
	d = opendir("/proc");
	while (d && (de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(p, sizeof(p), "/proc/%.32s/fd", de->d_name);
		fd = opendir(p);
		while (fd && (fe = readdir(fd))) {
			char link[300], target[128];
			ssize_t n;

			snprintf(link, sizeof(link), "/proc/%.32s/fd/%.32s", de->d_name, fe->d_name);
			n = readlink(link, target, sizeof(target) - 1);
			if (n <= 0)
				continue;
			target[n] = 0;
			if (!strcmp(target, v))
				diag("%s:   %s is open in pid %s (fd %s)", what, v, de->d_name,
				     fe->d_name);
		}
		if (fd)
			closedir(fd);
	}
	if (d)
		closedir(d);
}

static int balanced(const char *what, const char **devs)
{
	char orig[MAXDEV][64], cur[64];
	struct owner o;
	int i, g = group_of(devs[0]), e, ok = 1;

	for (i = 0; devs[i]; i++) {
		drv(devs[i], orig[i], sizeof(orig[i]));
		to_driver(devs[i], "vfio-pci");
	}
	e = owner_claim(&o, g);
	tap(!e, "%s: with every endpoint on vfio-pci a user claim of group %d succeeds (%s)",
	    what, g, ename(e));
	if (e)
		explain_group(what, g, devs);
	ok &= !e;
	owner_close(&o);
	for (i = 0; devs[i]; i++) {
		const char *want = is_e1000(devs[i]) ? "e1000" : opt_out(orig[i]) ? NULL : orig[i];

		to_driver(devs[i], strcmp(orig[i], "dfl-test-pci") ? "" : "dfl-test-pci");
		drv(devs[i], cur, sizeof(cur));
		if (!want)
			continue;
		tap(!strcmp(cur, want), "%s: after the release %s binds %s again (got %s)",
		    what, want, devs[i], cur);
		ok &= !strcmp(cur, want);
	}
	if (!ok && !e)
		explain_group(what, g, devs);
	return ok;
}

/* ================================================================ soak */

enum { OP_OPEN, OP_SETC, OP_SETIOMMU, OP_DEVFD, OP_MAP, OP_DUEL, OP_BIND, OP_PROBE,
       OP_UNBIND, OP_SWAP, OP_REMOVE, OP_RESCAN, OP_HOTADD, OP_HOTDEL, OP_OVR_PCI,
       OP_OVR_DFL, OP_DFL_PROBE, OP_UNSET, OP_UNSET_DUEL, OP_SETC2, OP_UNSET2, NOPS };
static const char *op_name[NOPS] = {
	"open-group", "set-container", "set-iommu", "get-device-fd", "map-dma",
	"duel-set-container", "bind-e1000", "drivers_probe-e1000", "unbind", "swap-opt-out",
	"remove", "rescan", "hot-add", "hot-remove", "override-pci", "override-dfl",
	"dfl-drivers_probe", "unset-container", "set-racing-unset",
	"set-container-2nd", "unset-2nd",
};
#define NRES 12	/* ok, EBUSY, EPERM, EINVAL, ENODEV, ENOENT, EEXIST, ENOMEM, EBADF, timeout, ... */
static const int res_errno[NRES] = { 0, EBUSY, EPERM, EINVAL, ENODEV, ENOENT, EEXIST, ENOMEM,
				     EBADF, ETIMEDOUT, EAGAIN, -1 };

#define NOWNERS 6
#define MAXBREACH 8

struct shared {
	volatile int stop;
	/* odd: owner i holds group hold_group[i] (set after SET_CONTAINER
	 * returned, cleared before the close, so a subset of the real hold) */
	volatile unsigned long hold_gen[2 * NOWNERS];
	volatile int hold_group[2 * NOWNERS];
	unsigned long count[NOPS][NRES];
	unsigned long breaches, checks, duel_both, idle, moved, elsewhere;
	char breach[MAXBREACH][320];
	char hot[16];	/* the hot-added device while present */
	/*
	 * Unless churn_owned: a device is removed (remove, hot-remove) only
	 * while no user owner holds a group (owners take it shared), to tell
	 * a removal problem from the rest (bench.soak_churn_owned=0). Before
	 * the series' VT-d fix, removing an endpoint of a user-held shared
	 * group crashed at the owner's release.
	 */
	pthread_rwlock_t topo;
	int churn_owned;
};
static struct shared *S;
/*
 * No UNSET_CONTAINER racing a SET_CONTAINER (the base soak): 5.10 crashes
 * on that race (a NULL container in __vfio_group_unset_container()) before
 * the soak can show the breach it is there to show.
 */
static int no_unset;

static void count(int op, int e)
{
	int i;

	for (i = 0; i < NRES - 1; i++)
		if (res_errno[i] == e)
			break;
	__atomic_fetch_add(&S->count[op][i], 1, __ATOMIC_RELAXED);
}

static unsigned int rnd(unsigned int n)
{
	return n ? (unsigned int)random() % n : 0;
}

/* a device of the target: 0 group A, 1 group B, 2 the hot-added device */
static const char *pick(int target, int e1000_only)
{
	switch (target) {
	case 0: return A[rnd(e1000_only ? 2 : 3)];
	case 1: return B;
	default: return S->hot[0] ? S->hot : NULL;
	}
}

static int target_group(int target)
{
	int i, g;

	for (i = 0; i < 3; i++) {
		const char *d = pick(target, 0);

		if (d && (g = group_of(d)) >= 0)
			return g;
	}
	return -1;
}

struct duel {
	int group, container, ret;
};

static void *duel_thread(void *arg)
{
	struct duel *d = arg;

	d->ret = ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &d->container) ? errno : 0;
	return NULL;
}

/* the group that FD, an open of /dev/vfio/G, holds; counted if not G */
static int held(int fd, int g)
{
	int h = group_of_fd(fd);

	if (h != g)
		__atomic_fetch_add(&S->elsewhere, 1, __ATOMIC_RELAXED);
	return h;
}

/* set group G2 (not G) into CONTAINER, hold it a while, unset or close it */
static void second_group(int slot, int g2, int g, int container)
{
	char path[64];
	int fd = -1, e = 0, tries;

	if (g2 < 0 || g2 == g)
		return;
	snprintf(path, sizeof(path), "/dev/vfio/%d", g2);
	/*
	 * The other group is busy most of the time (its owners hold it, its
	 * device is on e1000 or pci-stub): try for up to 300 ms, so that this
	 * path succeeds often enough to be tested.
	 */
	for (tries = 0; tries < 60; tries++) {
		fd = open(path, O_RDWR);
		if (fd < 0) {
			/* another owner has it open (EBUSY), or no vfio driver (ENOENT) */
			e = errno;
			if (e != EBUSY)
				break;
			msleep(5);
			continue;
		}
		e = ioctl(fd, VFIO_GROUP_SET_CONTAINER, &container) ? errno : 0;
		if (e != EPERM || tries == 59)
			break;
		/* a kernel driver in it or another owner: let go, try again */
		close(fd);
		fd = -1;
		msleep(5);
	}
	if (fd < 0) {
		/* the last attempt's errno: the open's, or the last SET_CONTAINER's */
		count(OP_SETC2, e);
		return;
	}
	count(OP_SETC2, e);
	if (!e) {
		S->hold_group[slot] = held(fd, g2);
		__atomic_fetch_add(&S->hold_gen[slot], 1, __ATOMIC_SEQ_CST);
		msleep(rnd(30));
		__atomic_fetch_add(&S->hold_gen[slot], 1, __ATOMIC_SEQ_CST);
		if (rnd(2))
			count(OP_UNSET2, ioctl(fd, VFIO_GROUP_UNSET_CONTAINER) ? errno : 0);
	}
	close(fd);
}

/* a user owner: claim, set up the IOMMU, get a device, map, release */
static void w_owner(int slot, int target)
{
	while (!S->stop) {
		struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };
		int g = target_group(target), e, won, mine, rival = -1;
		struct owner o = { -1, -1, -1 };
		struct duel du = { -1, -1, -1 };
		pthread_t t;
		char path[64];
		void *mem;

		if (g < 0) {
			msleep(20);
			continue;
		}
		if (!S->churn_owned)
			pthread_rwlock_rdlock(&S->topo);
		snprintf(path, sizeof(path), "/dev/vfio/%d", g);
		o.group = open(path, O_RDWR);
		e = o.group < 0 ? errno : 0;
		if (!S->churn_owned && e)
			pthread_rwlock_unlock(&S->topo);
		if (e == ENOENT) {
			/* no vfio driver in the group now: not an operation */
			__atomic_fetch_add(&S->idle, 1, __ATOMIC_RELAXED);
			msleep(20 + rnd(20));
			continue;
		}
		count(OP_OPEN, e);
		if (e) {
			msleep(rnd(10));
			continue;
		}
		o.container = open("/dev/vfio/vfio", O_RDWR);
		if (rnd(3) == 0) {
			/* two containers compete for one group */
			rival = open("/dev/vfio/vfio", O_RDWR);
			du.group = o.group;
			du.container = rival;
			pthread_create(&t, NULL, duel_thread, &du);
		}
		e = ioctl(o.group, VFIO_GROUP_SET_CONTAINER, &o.container) ? errno : 0;
		count(OP_SETC, e);
		won = !e;
		mine = !e;
		if (rival >= 0) {
			pthread_join(t, NULL);
			count(OP_DUEL, du.ret);
			if (!e && !du.ret)
				__atomic_fetch_add(&S->duel_both, 1, __ATOMIC_RELAXED);
			won |= !du.ret;
		}
		if (won) {
			/* what the kernel gave us, which the watcher checks */
			S->hold_group[slot] = held(o.group, g);
			__atomic_fetch_add(&S->hold_gen[slot], 1, __ATOMIC_SEQ_CST);
			e = ioctl(e ? rival : o.container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) ? errno : 0;
			count(OP_SETIOMMU, e);
			if (!e) {
				const char *d = pick(target, 0);

				if (d) {
					o.device = ioctl(o.group, VFIO_GROUP_GET_DEVICE_FD, d);
					count(OP_DEVFD, o.device < 0 ? errno : 0);
				}
				mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
				map.vaddr = (unsigned long)mem;
				map.size = 4096;
				map.iova = 0x100000;
				map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
				e = ioctl(du.ret == 0 ? rival : o.container, VFIO_IOMMU_MAP_DMA, &map)
					? errno : 0;
				count(OP_MAP, e);
				msleep(rnd(30));
				munmap(mem, 4096);
				/*
				 * QEMU's path for a second device: another
				 * group into the container that has a backend
				 * (held in slot + NOWNERS while it lasts).
				 */
				/*
				 * Half of the time the lone edu's group, which
				 * only owners compete for (the path happens),
				 * half the other group, where binders race it
				 * (the watcher can see a breach).
				 */
				if (target < 2 && rnd(2) == 0)
					second_group(slot + NOWNERS,
						     EDU2[0] && rnd(2) ? group_of(EDU2) :
						     target_group(!target),
						     g, mine ? o.container : rival);
			}
			__atomic_fetch_add(&S->hold_gen[slot], 1, __ATOMIC_SEQ_CST);
			/*
			 * Now that the watcher no longer counts the hold: unset
			 * the container while a second container is set on the
			 * same group fd (5.10 did not order the two).
			 */
			if (!no_unset && rnd(2) == 0) {
				if (rival < 0)
					rival = open("/dev/vfio/vfio", O_RDWR);
				du.group = o.group;
				du.container = mine ? rival : o.container;
				pthread_create(&t, NULL, duel_thread, &du);
				e = ioctl(o.group, VFIO_GROUP_UNSET_CONTAINER) ? errno : 0;
				count(OP_UNSET, e);
				pthread_join(t, NULL);
				count(OP_UNSET_DUEL, du.ret);
			}
		}
		if (rival >= 0)
			close(rival);
		owner_close(&o);
		if (!S->churn_owned)
			pthread_rwlock_unlock(&S->topo);
		msleep(rnd(10));
	}
}

/* a kernel binder: e1000 through bind or drivers_probe, or an unbind */
static void w_binder(int target)
{
	while (!S->stop) {
		const char *d = pick(target, 1);
		char cur[64];
		int e;

		if (!d) {
			msleep(20);
			continue;
		}
		switch (rnd(3)) {
		case 0:
			unbind(d);
			wrf("\n", PCI "/devices/%s/driver_override", d);
			e = wr(PCI "/drivers/e1000/bind", d);
			count(OP_BIND, e);
			break;
		case 1:
			unbind(d);
			wrf("e1000", PCI "/devices/%s/driver_override", d);
			e = wr(PCI "/drivers_probe", d);
			count(OP_PROBE, e);
			break;
		default:
			if (!strcmp(drv(d, cur, sizeof(cur)), "e1000")) {
				e = wrf(d, PCI "/devices/%s/driver/unbind", d);
				count(OP_UNBIND, e);
			}
			break;
		}
		msleep(rnd(30));
	}
}

/* opt-out swaps: vfio-pci <-> pci-stub */
static void w_swapper(int target)
{
	while (!S->stop) {
		const char *d = pick(target, 0);

		if (d)
			count(OP_SWAP, to_driver(d, rnd(3) ? "vfio-pci" : "pci-stub"));
		msleep(rnd(20));
	}
}

/* topology: remove + rescan in A and B; hot-add / hot-remove through QMP */
static void w_topology(void)
{
	int round = 0;

	while (!S->stop) {
		const char *d = round % 2 ? B : A[rnd(3)];

		if (!S->churn_owned)
			pthread_rwlock_wrlock(&S->topo);
		count(OP_REMOVE, wrf("1", PCI "/devices/%s/remove", d));
		if (!S->churn_owned)
			pthread_rwlock_unlock(&S->topo);
		msleep(rnd(50));
		count(OP_RESCAN, wr(PCI "/rescan", "1"));
		if (round++ % 4 == 0) {
			char e[MAXDEV][16], had[MAXDEV][16];
			int n, nhad, i, j, t;

			/* the new device is the e1000 that was not there before */
			nhad = find_pci(E1000, had, MAXDEV);
			host("@@HOST device_add {\"driver\": \"e1000\", \"bus\": \"rp4\", \"id\": \"soakhot\"}\n");
			for (t = 0; t < 100 && !S->hot[0]; t++) {
				msleep(100);
				/* if the ACPI notification was missed, a rescan finds it */
				if (t == 30)
					wr(PCI "/rescan", "1");
				n = find_pci(E1000, e, MAXDEV);
				for (i = 0; i < n; i++) {
					for (j = 0; j < nhad && strcmp(e[i], had[j]); j++)
						;
					if (j == nhad)
						cpy(S->hot, 16, e[i]);
				}
			}
			count(OP_HOTADD, S->hot[0] ? 0 : ETIMEDOUT);
			if (S->hot[0]) {
				char hot[16];

				msleep(500 + rnd(1500));
				cpy(hot, sizeof(hot), S->hot);
				if (!S->churn_owned)
					pthread_rwlock_wrlock(&S->topo);
				host("@@HOST device_del {\"id\": \"soakhot\"}\n");
				for (t = 0; t < 150 && exists(PCI "/devices/%s", hot); t++)
					msleep(100);
				if (!S->churn_owned)
					pthread_rwlock_unlock(&S->topo);
				S->hot[0] = 0;
				count(OP_HOTDEL, exists(PCI "/devices/%s", hot) ? ETIMEDOUT : 0);
				/* QEMU completes the unplug after the guest's eject */
				msleep(500);
			}
		}
		msleep(rnd(100));
	}
}

/* driver_override writers on PCI and DFL devices */
static void w_override(void)
{
	static const char *vals[] = { "\n", "e1000", "vfio-pci", "pci-stub", "none",
				      "no-such-driver", "dfl-test", "dfl-test-override" };
	char dd[64];

	while (!S->stop) {
		const char *d = pick(rnd(2), 0);

		count(OP_OVR_PCI, wrf(vals[rnd(6)], PCI "/devices/%s/driver_override", d));
		dfl_dev(dd, sizeof(dd));
		if (dd[0]) {
			const char *v = rnd(2) ? vals[0] : vals[6 + rnd(2)];

			count(OP_OVR_DFL, wrf(v, DFL "/devices/%s/driver_override", dd));
			if (rnd(2))
				wrf(dd, DFL "/devices/%s/driver/unbind", dd);
			count(OP_DFL_PROBE, wr(DFL "/drivers_probe", dd));
		}
		msleep(rnd(40));
	}
}

/* the invariant, checked the whole time */
static void w_watcher(void)
{
	while (!S->stop) {
		int i;

		for (i = 0; i < 2 * NOWNERS; i++) {
			unsigned long gen = S->hold_gen[i];
			int g = S->hold_group[i];
			struct dirent *de;
			char path[128];
			DIR *dir;

			if (!(gen & 1))
				continue;
			snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%d/devices", g);
			dir = opendir(path);
			if (!dir)
				continue;
			while ((de = readdir(dir))) {
				char cur[64], dev[64], own[96];
				int now_g;

				if (de->d_name[0] == '.')
					continue;
				cpy(dev, sizeof(dev), de->d_name);
				drv(dev, cur, sizeof(cur));
				S->checks++;
				/* still the same hold: the driver was bound while it lasted */
				if (opt_out(cur) || S->hold_gen[i] != gen)
					continue;
				/*
				 * The listing is older than the driver: a device
				 * removed since and re-added into a group of its
				 * own (B, the hot-added device: the held group is
				 * empty now) is no longer the held group's; one
				 * that the group still lists is.
				 */
				now_g = group_of(dev);
				if (now_g != g &&
				    !exists("/sys/kernel/iommu_groups/%d/devices/%s", g, dev)) {
					__atomic_fetch_add(&S->moved, 1, __ATOMIC_RELAXED);
					continue;
				}
				/* the kernel's view of the group, to explain the breach */
				snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%d/dma_owner", g);
				if (rd(path, own, sizeof(own)))
					cpy(own, sizeof(own), "?");
				if (S->breaches < MAXBREACH)
					snprintf(S->breach[S->breaches], sizeof(S->breach[0]),
						 "group %d held by owner %d (dma_owner: %s) while %s (in group %d) was bound to %s",
						 g, i, own, dev, now_g, cur);
				S->breaches++;
			}
			closedir(dir);
		}
	}
}

static const struct {
	int op, op2;	/* op2: counted with op (0: none; OP_OPEN is never one) */
	unsigned long min;
	const char *what;
} floors[] = {
	{ OP_SETC, OP_DUEL, 4, "user claims (SET_CONTAINER)" },
	{ OP_SETIOMMU, 0, 4, "SET_IOMMU" },
	{ OP_DEVFD, 0, 1, "device fds" },
	{ OP_MAP, 0, 4, "DMA maps" },
	{ OP_BIND, OP_PROBE, 10, "kernel binds (bind, drivers_probe)" },
	{ OP_REMOVE, 0, 2, "removals" },
	{ OP_RESCAN, 0, 2, "rescans" },
	{ OP_HOTADD, 0, 1, "hot-adds" },
	{ OP_UNSET, 0, 1, "UNSET_CONTAINERs" },
	{ OP_SETC2, 0, 1, "second groups into a container with a backend" },
};

static int do_soak(int seconds, int churn_owned)
{
	pthread_rwlockattr_t ra;
	const char *devA[] = { A[0], A[1], A[2], NULL }, *devB[] = { B, NULL };
	unsigned long total = 0, ops_ok = 0;
	pid_t pids[16];
	int np = 0, i, j, slot = 0;
	double t0;

	S = mmap(NULL, sizeof(*S), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	memset(S, 0, sizeof(*S));
	S->churn_owned = churn_owned;
	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setpshared(&ra, PTHREAD_PROCESS_SHARED);
	/* the remover must not starve behind a stream of owners */
	pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&S->topo, &ra);
	diag("soak: removals %s user holds", churn_owned ? "race" : "exclude");
	reset_devices();
	/*
	 * QEMU's path for a second device: owners of A and B set the group of
	 * an edu that is alone in it into their container, which has a
	 * backend. Only owners compete for it, so that the path happens.
	 */
	if (EDU2[0]) {
		to_driver(EDU2, "vfio-pci");
		diag("soak: second group %d (%s, on vfio-pci)", group_of(EDU2), EDU2);
	}
#define SPAWN(call) do { pid_t p = fork(); if (!p) { srandom(getpid()); call; _exit(0); } pids[np++] = p; } while (0)
	t0 = now();
	SPAWN(w_watcher());
	for (i = 0; i < 3; i++) {
		/* two owners on A and B, one on the hot-added device */
		for (j = 0; j < (i < 2 ? 2 : 1); j++, slot++)
			SPAWN(w_owner(slot, i));
		SPAWN(w_binder(i));
		if (i < 2)
			SPAWN(w_swapper(i));
	}
	SPAWN(w_topology());
	SPAWN(w_override());
	diag("soak: %d workers for %d s", np, seconds);
	while (now() - t0 < seconds)
		sleep(1);
	S->stop = 1;
	for (i = 0; i < np; i++)
		waitpid(pids[i], NULL, 0);
	diag("soak: ran %.0f s; %lu group opens found no vfio group (not counted)", now() - t0,
	     S->idle);
	for (i = 0; i < NOPS; i++) {
		char line[512];
		int len = 0;

		for (j = 0; j < NRES; j++) {
			total += S->count[i][j];
			if (j == 0)
				ops_ok += S->count[i][j];
			if (S->count[i][j])
				len += snprintf(line + len, sizeof(line) - len, " %s=%lu",
						j == NRES - 1 ? "other" : ename(res_errno[j]),
						S->count[i][j]);
		}
		diag("soak: %-20s%s", op_name[i], len ? line : " -");
	}
	for (i = 0; i < (int)S->breaches && i < MAXBREACH; i++)
		diag("BREACH: %s", S->breach[i]);
	printf("# figure soak_operations %lu\n# figure soak_seconds %.0f\n"
	       "# figure soak_breaches %lu\n# figure soak_checks %lu\n", total, now() - t0,
	       S->breaches, S->checks);
	diag("soak: %lu devices left the held group between the watcher's listing and its "
	     "driver read (not counted)", S->moved);
	diag("soak: %lu group opens reached another group than the one opened (5.10's vfio "
	     "reuses a freed group's minor; the watcher checks the group reached)", S->elsewhere);
	tap(S->breaches == 0, "no endpoint of a user-held group was bound to a kernel-DMA driver "
	    "(%lu watcher checks, %lu breaches%s%s)", S->checks, S->breaches,
	    S->breaches ? "; the first: " : "", S->breaches ? S->breach[0] : "");
	tap(S->duel_both == 0, "two containers never both claimed one group (%lu)", S->duel_both);
	tap(S->count[OP_SETC][0] > 0 && S->count[OP_BIND][0] + S->count[OP_PROBE][0] > 0,
	    "the race had both outcomes: %lu user claims and %lu kernel binds succeeded",
	    S->count[OP_SETC][0], S->count[OP_BIND][0] + S->count[OP_PROBE][0]);
	tap(S->count[OP_HOTADD][0] > 0 && S->count[OP_HOTDEL][0] > 0,
	    "hot-add and hot-remove through QMP happened (%lu, %lu)",
	    S->count[OP_HOTADD][0], S->count[OP_HOTDEL][0]);
	/*
	 * Floors of successful operations: attempts alone prove nothing (a
	 * soak whose claims all fail races nothing). The floors are about a
	 * fifth of what a 60 s soak under TCG reaches.
	 */
	for (i = 0; i < (int)(sizeof(floors) / sizeof(floors[0])); i++) {
		unsigned long got = S->count[floors[i].op][0] +
				    (floors[i].op2 ? S->count[floors[i].op2][0] : 0);

		if (floors[i].op == OP_SETC2 && !EDU2[0])
			continue;	/* no group for it but A and B, always busy */
		printf("# figure soak_ok[%s] %lu\n", floors[i].what, got);
		tap(got >= floors[i].min, "soak floor: %lu successful %s (at least %lu)", got,
		    floors[i].what, floors[i].min);
	}
	/* quiesce: a stray hot-added device goes; A and B are all there */
	if (S->hot[0])
		host("@@HOST device_del {\"id\": \"soakhot\"}\n");
	wr(PCI "/rescan", "1");
	msleep(500);
	balanced("after the soak, group A", devA);
	balanced("after the soak, group B", devB);
	if (EDU2[0]) {
		const char *devE[] = { EDU2, NULL };

		balanced("after the soak, the second group", devE);
		to_driver(EDU2, "");
	}
	reset_devices();
	(void)ops_ok;
	return tap_done();
}

/* ====================================================== fault injection */

static int failnth_fd = -1;

static void failnth_set(unsigned int n)
{
	char b[16];
	int len = snprintf(b, sizeof(b), "%u", n);

	if (pwrite(failnth_fd, b, len, 0) != len)
		perror("fail-nth");
}

static unsigned int failnth_get(void)
{
	char b[16] = "";

	if (pread(failnth_fd, b, sizeof(b) - 1, 0) < 0)
		perror("fail-nth");
	return (unsigned int)atoi(b);
}

/* the state an injected failure must leave as it was */
static void snapshot(char *out, size_t size)
{
	const char *all[] = { A[0], A[1], A[2], B, IVS };
	char cur[64], ovr[128], dd[64];
	unsigned int i;
	int len = 0;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		char p[256];

		if (!all[i][0])
			continue;
		snprintf(p, sizeof(p), PCI "/devices/%s/driver_override", all[i]);
		if (rd(p, ovr, sizeof(ovr)))
			snprintf(ovr, sizeof(ovr), "-");
		len += snprintf(out + len, size - len, "%s=%s,g%d,o=%s ", all[i],
				drv(all[i], cur, sizeof(cur)), group_of(all[i]), ovr);
	}
	dfl_dev(dd, sizeof(dd));
	if (dd[0]) {
		char p[256];

		snprintf(p, sizeof(p), DFL "/devices/%s/driver_override", dd);
		rd(p, ovr, sizeof(ovr));
		len += snprintf(out + len, size - len, "%s=%s,o=%s", dd,
				drv_on("dfl", dd, cur, sizeof(cur)), ovr);
	}
}

struct path {
	const char *name;
	void (*setup)(void);	/* the state before the operation */
	int (*op)(void);	/* the operation: 0 or an errno */
	void (*undo)(void);	/* after a success, back to the state before */
	void (*cleanup)(void);	/* after the operation, whatever it returned */
	const char **balance;	/* the group to prove balanced afterwards */
	/* after a success: NULL if the state is what a success must leave,
	 * else what is wrong; ABSORBED: the operation absorbed an injected
	 * failure (a success with nothing injected must do all its work) */
	const char *(*success)(int absorbed);
	/* every n up to this one, whatever the stride (0: the stride's) */
	unsigned int dense;
};

static struct owner fo = { -1, -1, -1 };
static char fdev[64];
static int fgroup;

static void none(void) { }
static void fo_close(void) { owner_close(&fo); }
static void b_on_vfio(void)
{
	char cur[64];

	if (strcmp(drv(B, cur, sizeof(cur)), "vfio-pci"))
		to_driver(B, "vfio-pci");
	fgroup = group_of(B);
}
static int op_open_group(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/vfio/%d", fgroup);
	fo.group = open(path, O_RDWR);
	return fo.group < 0 ? errno : 0;
}
static void s_open2(void)
{
	char path[64];

	b_on_vfio();
	snprintf(path, sizeof(path), "/dev/vfio/%d", fgroup);
	fo.container = open("/dev/vfio/vfio", O_RDWR);
	fo.group = open(path, O_RDWR);
}
static int op_setc(void)
{
	return ioctl(fo.group, VFIO_GROUP_SET_CONTAINER, &fo.container) ? errno : 0;
}
static void s_setc(void) { s_open2(); op_setc(); }
static int op_setiommu(void)
{
	return ioctl(fo.container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) ? errno : 0;
}
static void s_setiommu(void) { s_setc(); op_setiommu(); }
static int op_devfd(void)
{
	fo.device = ioctl(fo.group, VFIO_GROUP_GET_DEVICE_FD, B);
	return fo.device < 0 ? errno : 0;
}
static void *fmem;
static int op_map(void)
{
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map), .size = 4096,
		.iova = 0x100000, .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE };

	map.vaddr = (unsigned long)fmem;
	return ioctl(fo.container, VFIO_IOMMU_MAP_DMA, &map) ? errno : 0;
}
static void b_unbound(void) { unbind(B); wrf("\n", PCI "/devices/%s/driver_override", B); }
static int op_bind(void) { return wr(PCI "/drivers/e1000/bind", B); }
static void u_unbind(void) { unbind(B); }
static void b_override_e1000(void) { unbind(B); wrf("e1000", PCI "/devices/%s/driver_override", B); }
static int op_probe(void) { return wr(PCI "/drivers_probe", B); }
static void u_unbind_keep(void) { unbind(B); }
/*
 * A removal or a rescan that the sweep makes with nothing injected, in a
 * child it waits for at most WEDGE_SECONDS: both evaluate the device's _DSM
 * (its firmware label files), a Serialized method in QEMU's tables. 5.10's
 * ACPICA kept such a method's mutex when an allocation failed after it took
 * it (series 1's patch 7), and the next evaluation then waited for
 * ever, holding the PCI core's rescan lock: a hung boot instead of a
 * failure. A blocked child is reported with its kernel stack, the sweep
 * stops, and WEDGED tells the soak not to start.
 */
static int wedged;
static int wr_bounded(const char *path, const char *val)
{
	char stack[2048], p[64], *l, *save;
	double t0 = now();
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return errno;
	if (!pid) {
		/* not the pipe of guest/init's prefix(), which it could hold for ever */
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		_exit(wr(path, val));
	}
	while (now() - t0 < WEDGE_SECONDS) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
		msleep(50);
	}
	wedged = 1;
	diag("writing %s to %s blocked for %d s; its kernel stack:", val, path, WEDGE_SECONDS);
	snprintf(p, sizeof(p), "/proc/%d/stack", pid);
	if (rd(p, stack, sizeof(stack)))
		snprintf(stack, sizeof(stack), "(unreadable)");
	for (l = strtok_r(stack, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		diag("  %s", l);
	close(open(WEDGED, O_WRONLY | O_CREAT, 0644));
	return ETIMEDOUT;
}
static void rescan_bounded(void) { wr_bounded(PCI "/rescan", "1"); }
static void a1_removed(void)
{
	char p[128];

	to_driver(A[1], "");
	snprintf(p, sizeof(p), PCI "/devices/%s/remove", A[1]);
	wr_bounded(p, "1");
}
/*
 * Looking at the result must not take the injected failure: with fewer
 * allocations left in the rescan than n, the n-th would be the stat() of
 * the device's directory, which then reads as absent. Disarm while looking,
 * re-arm after.
 */
static unsigned int failnth_pause(void)
{
	unsigned int left = failnth_get();

	failnth_set(0);
	return left;
}
static void failnth_resume(unsigned int left)
{
	if (left)
		failnth_set(left);
}
static int a1_present(void)
{
	unsigned int left = failnth_pause();
	int r = exists(PCI "/devices/%s", A[1]);

	failnth_resume(left);
	return r;
}
static int op_rescan(void)
{
	int e = wr(PCI "/rescan", "1");

	/* rescan reports no error: the device's presence, in its group, is the result */
	if (e)
		return e;
	if (!a1_present())
		return ENODEV;
	return 0;
}
static void u_rescan(void) { a1_removed(); }
/*
 * The removal of a device: the first thing it does is evaluate the
 * device's _DSM (pci_remove_firmware_label_files()). Its allocations, each
 * counted with kmemleak's record of it, run from n = 3 (after the write's
 * buffer) past the method's start, whose walk state is n = 38 on the debug
 * kernel (measured: the n whose failure kept the method's mutex before
 * series 1's patch 7), and into its AML (n = 63: the copy of a package
 * that crashed before patch 8). Every n up to DSM_DENSE fails each of them;
 * the undo's rescan evaluates the _DSM again.
 */
#define DSM_DENSE 64
static void a1_unbound(void)
{
	if (!exists(PCI "/devices/%s", A[1]))
		rescan_bounded();
	unbind(A[1]);
}
static int op_remove(void) { return wrf("1", PCI "/devices/%s/remove", A[1]); }
static const char *a1_gone(int absorbed)
{
	return exists(PCI "/devices/%s", A[1]) ? "the device is still there" : NULL;
}
/*
 * The rescan again, into group A while a user owns it (SET_CONTAINER and
 * SET_IOMMU): whichever allocation fails, the re-added endpoint must not
 * end up bound to e1000. A device whose IOMMU probe failed joins no group
 * but DMAs through the bridge's alias, in the owner's domain.
 */
static unsigned int owned_breaches;
static void s_owned_a1(void)
{
	char path[64];

	a1_removed();
	to_driver(A[0], "vfio-pci");
	to_driver(A[2], "vfio-pci");
	fo.container = open("/dev/vfio/vfio", O_RDWR);
	snprintf(path, sizeof(path), "/dev/vfio/%d", group_of(A[0]));
	fo.group = open(path, O_RDWR);
	ioctl(fo.group, VFIO_GROUP_SET_CONTAINER, &fo.container);
	ioctl(fo.container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU);
}
static int op_rescan_owned(void)
{
	char cur[64];
	int e = op_rescan();
	unsigned int left = failnth_pause();

	drv(A[1], cur, sizeof(cur));
	failnth_resume(left);
	if (!e && !strcmp(cur, "e1000")) {
		owned_breaches++;
		diag("rescan into the owned group: %s came back in group %d and e1000 bound it",
		     A[1], group_of(A[1]));
	}
	return e;
}
static int op_override(void) { return wrf("pci-stub", PCI "/devices/%s/driver_override", B); }
static void u_override(void) { wrf("\n", PCI "/devices/%s/driver_override", B); }
static void ivs_unbound(void) { unbind(IVS); }
/*
 * The enumerator's bind is the operation. A failure inside the probe of a
 * device it creates (the FME, whose probe adds the dfl devices) does not
 * fail the bind: the driver model does not pass a child's probe error up.
 */
static int op_dfl_enum(void)
{
	return wr(PCI "/drivers/dfl-test-pci/bind", IVS);
}
static void dfl_unbound(void)
{
	char cur[64];

	dfl_dev(fdev, sizeof(fdev));
	wrf("\n", DFL "/devices/%s/driver_override", fdev);
	if (strcmp(drv_on("dfl", fdev, cur, sizeof(cur)), "none"))
		wrf(fdev, DFL "/devices/%s/driver/unbind", fdev);
}
static int op_dfl_bind(void) { return wr(DFL "/drivers/dfl-test/bind", fdev); }
static int op_dfl_override(void)
{
	return wrf("dfl-test-override", DFL "/devices/%s/driver_override", fdev);
}
static void u_dfl_override(void)
{
	dfl_dev(fdev, sizeof(fdev));
	wrf("\n", DFL "/devices/%s/driver_override", fdev);
}
static void dfl_restore(void)
{
	wrf("\n", DFL "/devices/%s/driver_override", fdev);
	wr(DFL "/drivers_probe", fdev);
}

/*
 * QEMU's path for a second device: group A in a container with a backend,
 * then group B set into the same container (claim, then attach_group).
 */
static struct owner fo2 = { -1, -1, -1 };
static void s_second(void)
{
	char path[64];
	int i;

	for (i = 0; i < 3; i++)
		to_driver(A[i], "vfio-pci");
	b_on_vfio();
	fo2.container = open("/dev/vfio/vfio", O_RDWR);
	snprintf(path, sizeof(path), "/dev/vfio/%d", group_of(A[0]));
	fo2.group = open(path, O_RDWR);
	ioctl(fo2.group, VFIO_GROUP_SET_CONTAINER, &fo2.container);
	ioctl(fo2.container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU);
	snprintf(path, sizeof(path), "/dev/vfio/%d", fgroup);
	fo.group = open(path, O_RDWR);
}
static int op_setc_second(void)
{
	return ioctl(fo.group, VFIO_GROUP_SET_CONTAINER, &fo2.container) ? errno : 0;
}
static void u_setc_second(void) { ioctl(fo.group, VFIO_GROUP_UNSET_CONTAINER); }
static void c_second(void)
{
	owner_close(&fo);
	owner_close(&fo2);
}

/*
 * What a success must leave, checked also when the operation absorbed the
 * injected failure: a bound e1000 is counted as a kernel DMA use of its
 * group (dma_owner says "kernel N", so a user claim is refused), a rescanned
 * device is back in its group (not merely present).
 */
static const char *e1000_counted(int must_bind)
{
	static char why[256];
	char p[96], v[64], cur[64];

	drv(B, cur, sizeof(cur));
	snprintf(p, sizeof(p), "/sys/kernel/iommu_groups/%d/dma_owner", group_of(B));
	if (rd(p, v, sizeof(v)))
		snprintf(v, sizeof(v), "?");
	if (!strcmp(cur, "e1000")) {
		if (strncmp(v, "kernel ", 7) || atoi(v + 7) < 1) {
			snprintf(why, sizeof(why), "e1000 is bound to %s but group %d's dma_owner "
				 "says \"%s\"", B, group_of(B), v);
			return why;
		}
		return NULL;
	}
	if (must_bind) {
		snprintf(why, sizeof(why), "%s is bound to %s, not e1000", B, cur);
		return why;
	}
	/* drivers_probe succeeds when the probe fails: then nothing is counted */
	if (strcmp(v, "none")) {
		snprintf(why, sizeof(why), "%s is bound to %s and group %d's dma_owner says \"%s\"",
			 B, cur, group_of(B), v);
		return why;
	}
	return NULL;
}
/* a bind that succeeded bound e1000 (a failed probe fails bind with ENODEV) */
static const char *e1000_claimed(int absorbed) { return e1000_counted(1); }
/*
 * drivers_probe returns success when e1000's probe failed (5.10): under an
 * injected failure it may leave the device unbound, with nothing counted;
 * with nothing injected it must bind.
 */
static const char *e1000_probed(int absorbed) { return e1000_counted(!absorbed); }
static const char *a1_in_group(int absorbed)
{
	static char why[160];

	if (!exists(PCI "/devices/%s", A[1]))
		snprintf(why, sizeof(why), "%s is not there", A[1]);
	else if (group_of(A[1]) != group_of(A[0]))
		snprintf(why, sizeof(why), "%s is in group %d, not in %s's group %d", A[1],
			 group_of(A[1]), A[0], group_of(A[0]));
	else
		return NULL;
	return why;
}

static const char *balB[] = { B, NULL };
static const char *balA[] = { A[0], A[1], A[2], NULL };
static const char *balIVS[] = { IVS, NULL };

static const struct path paths[] = {
	{ "open the group", b_on_vfio, op_open_group, fo_close, fo_close, balB },
	{ "VFIO_GROUP_SET_CONTAINER", s_open2, op_setc, fo_close, fo_close, balB },
	{ "VFIO_SET_IOMMU", s_setc, op_setiommu, fo_close, fo_close, balB },
	{ "VFIO_GROUP_SET_CONTAINER of a second group (container with a backend)", s_second,
	  op_setc_second, u_setc_second, c_second, balB },
	{ "VFIO_GROUP_GET_DEVICE_FD", s_setiommu, op_devfd, fo_close, fo_close, balB },
	{ "VFIO_IOMMU_MAP_DMA", s_setiommu, op_map, fo_close, fo_close, balB },
	{ "sysfs bind of e1000 (claims kernel DMA)", b_unbound, op_bind, u_unbind, none, balB,
	  e1000_claimed },
	{ "drivers_probe with driver_override e1000", b_override_e1000, op_probe, u_unbind_keep,
	  none, balB, e1000_probed },
	{ "driver_override store", u_override, op_override, u_override, none, balB },
	{ "DFL enumeration (bind of the DFL PCI driver)", ivs_unbound, op_dfl_enum, ivs_unbound,
	  none, balIVS },
	{ "DFL bind", dfl_unbound, op_dfl_bind, dfl_unbound, dfl_restore, NULL },
	{ "DFL driver_override store", u_dfl_override, op_dfl_override, u_dfl_override,
	  dfl_restore, NULL },
	/*
	 * A failed device_add() in the rescan crashed 5.10's PCI core (a NULL
	 * dereference of dev->p in __device_attach()) until the series' PCI
	 * patch; see README.
	 */
	{ "rescan of a removed device of the shared group", a1_removed, op_rescan, u_rescan,
	  none, balA, a1_in_group },
	{ "rescan of a removed device into the shared group while a user owns it", s_owned_a1,
	  op_rescan_owned, u_rescan, fo_close, balA, a1_in_group },
	/* the _DSM: its Serialized method's mutex, its AML (series 1's patches 7, 8) */
	{ "removal of a device of the shared group (its _DSM first)", a1_unbound, op_remove,
	  rescan_bounded, none, balA, a1_gone, DSM_DENSE },
};

static int fault_knobs(void)
{
	static const char *knobs[][2] = {
		{ "failslab/ignore-gfp-wait", "N" },
		/* only caches with SLAB_FAILSLAB: all but ACPICA's (slub_debug) */
		{ "failslab/cache-filter", "Y" },
		{ "failslab/verbose", "1" },
		{ "fail_page_alloc/ignore-gfp-wait", "N" },
		{ "fail_page_alloc/ignore-gfp-highmem", "N" },
		{ "fail_page_alloc/min-order", "0" },
		{ "fail_page_alloc/verbose", "1" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		if (wrf(knobs[i][1], "/sys/kernel/debug/%s", knobs[i][0]))
			return -1;
	failnth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	return failnth_fd < 0 ? -1 : 0;
}

#define MAX_NTH 100000

/*
 * Every n up to 64; after that every STRIDE-th (bench.fault_stride=K, 1 by
 * default). With STRIDE 0, every n up to 16 and then the next n is a quarter
 * larger: 'make check' samples the driver probes that way (e1000's has over
 * 3,000 allocations under KASAN and kmemleak, at about a second for each n;
 * 'make check' runs on two architectures within the hour). The allocations
 * of the driver core and of the series come first in each path (the claim,
 * the group's open, the device's add), e1000's own probe after them.
 */
static unsigned int next_n(unsigned int n, int stride, unsigned int dense)
{
	if (n < dense || n < (stride ? 64 : 16))
		return n + 1;
	return stride ? n + stride : n + n / 4;
}

/* 1 (and why) if a success did not leave what a success must */
static int wrong_success(const struct path *pa, unsigned int n, const char *when)
{
	const char *why = pa->success ? pa->success(!strcmp(when, "absorbing the failure"))
				      : NULL;

	if (why)
		diag("%s: n=%u: succeeded %s, but %s", pa->name, n, when, why);
	return !!why;
}

static int do_faults(int stride, const char *only)
{
	unsigned long total_points = 0, total_ops = 0;
	unsigned int p;

	if (fault_knobs()) {
		tap(0, "fault injection is configured (CONFIG_FAULT_INJECTION, FAILSLAB, "
		    "FAIL_PAGE_ALLOC, FAULT_INJECTION_DEBUG_FS, /proc/thread-self/fail-nth)");
		return tap_done();
	}
	/* memory to map, touched so that the operation itself allocates nothing for it */
	fmem = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(fmem, 0, 4096);
	reset_devices();
	for (p = 0; p < sizeof(paths) / sizeof(paths[0]); p++) {
		const struct path *pa = &paths[p];
		unsigned int n, last = 0, points = 0, absorbed = 0, errors = 0, bad = 0;
		char before[2048], after[2048], errs[128] = "";
		int e, finished = 0;

		if ((strstr(pa->name, "DFL") && !IVS[0]) || (only && !strstr(pa->name, only)))
			continue;
		for (n = 1; n <= MAX_NTH && !bad && !wedged; last = n, n = next_n(n, stride, pa->dense)) {
			unsigned int left;

			pa->setup();
			if (wedged)
				break;
			snapshot(before, sizeof(before));
			failnth_set(n);
			e = pa->op();
			left = failnth_get();
			failnth_set(0);
			total_ops++;
			if (left) {
				/* fewer than n allocations: nothing was injected */
				if (e)
					diag("%s: failed with nothing injected (n=%u): %s",
					     pa->name, n, ename(e)), bad++;
				else
					bad += wrong_success(pa, n, "with nothing injected"), pa->undo();
				pa->cleanup();
				finished = 1;
				break;
			}
			points++;
			if (!e) {
				/* the failure was absorbed: allowed, and it is its own retry */
				absorbed++;
				bad += wrong_success(pa, n, "absorbing the failure");
				pa->undo();
				pa->cleanup();
				continue;
			} else {
				errors++;
				if (!strstr(errs, ename(e)) && strlen(errs) < 100)
					snprintf(errs + strlen(errs), sizeof(errs) - strlen(errs),
						 "%s%s", errs[0] ? "," : "", ename(e));
				snapshot(after, sizeof(after));
				if (strcmp(before, after))
					diag("%s: n=%u failed with %s and changed the state:\n#  before %s\n#  after  %s",
					     pa->name, n, ename(e), before, after), bad++;
			}
			pa->cleanup();
			/* the retry, with nothing injected, must succeed */
			pa->setup();
			if (wedged)
				break;
			e = pa->op();
			total_ops++;
			if (e)
				diag("%s: retry after n=%u failed: %s", pa->name, n, ename(e)), bad++;
			else
				bad += wrong_success(pa, n, "in the retry"), pa->undo();
			pa->cleanup();
		}
		total_points += points;
		printf("# figure fault_points[%s] %u\n", pa->name, points);
		if (last + 1 == n)
			diag("%s: %u allocations", pa->name, last);
		else
			diag("%s: %u to %u allocations", pa->name, last, n - 1);
		/* a path that injected nothing tested nothing */
		tap(finished && !bad && !wedged && points, "fault injection: %s: %u failures injected (%s, %s), "
		    "%u clean errors (%s), %u absorbed; state kept, the retry succeeded each time",
		    pa->name, points, finished ? "to the last allocation" : "NOT FINISHED",
		    stride == 1 ? "every n" : stride ? "a stride after n = 64" :
		    "n grows by 1/4 after n = 16", errors,
		    errs[0] ? errs : "-", absorbed);
		if (wedged)
			break;
		reset_devices();
		if (pa->balance)
			balanced(pa->name, pa->balance);
	}
	tap(!owned_breaches, "fault injection: no endpoint re-added into a user-owned group "
	    "was bound to e1000 (%u times it was)", owned_breaches);
	printf("# figure fault_injected %lu\n# figure fault_operations %lu\n", total_points,
	       total_ops);
	if (!wedged)
		reset_devices();
	return tap_done();
}

/* ============================================================ bad input */

static int same(const char *what, const char *before)
{
	char after[2048];

	snapshot(after, sizeof(after));
	if (strcmp(before, after)) {
		diag("%s changed the state:\n#  before %s\n#  after  %s", what, before, after);
		return 0;
	}
	return 1;
}

/*
 * driver_override on DEV of BUS, as 5.10's pci driver_override_store() (and
 * the series' DFL one, which follows it) define it: a write of PAGE_SIZE - 1
 * bytes or more is refused with EINVAL; otherwise the value is the written
 * bytes up to the first NUL or newline, and an empty value clears it.
 */
static void override_sweep(const char *bus, const char *dev)
{
	static char buf[4200], want[4200];
	char path[256], cur[64], back[4200], st[2048];
	long page = sysconf(_SC_PAGESIZE);
	int len, bad = 0, e;
	const char *bound;

	snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s/driver_override", bus, dev);
	bound = drv_on(bus, dev, cur, sizeof(cur));
	(void)bound;
	for (len = 1; len <= page + 1; len++) {
		char exp_drv[64], now_drv[64];

		memset(buf, 'a' + len % 26, len);
		cpy(exp_drv, sizeof(exp_drv), drv_on(bus, dev, now_drv, sizeof(now_drv)));
		wr(path, "keep");
		e = wr_n(path, buf, len);
		rd(path, back, sizeof(back));
		if (len >= page - 1) {
			if (e != EINVAL || strcmp(back, "keep"))
				bad++, diag("%s: %d bytes: %s, reads \"%.20s\" (want EINVAL, keep)",
					    path, len, ename(e), back);
		} else {
			memcpy(want, buf, len);
			want[len] = 0;
			if (e || strcmp(back, want))
				bad++, diag("%s: %d bytes: %s, reads %zu bytes", path, len,
					    ename(e), strlen(back));
		}
		if (strcmp(drv_on(bus, dev, now_drv, sizeof(now_drv)), exp_drv))
			bad++, diag("%s: a %d-byte override changed the binding", path, len);
		if (bad > 5)
			break;
	}
	tap(!bad, "%s %s driver_override: 1 .. PAGE_SIZE+1 bytes: up to PAGE_SIZE-2 stored "
	    "exactly, longer refused with EINVAL keeping the old value, binding untouched",
	    bus, dev);

	struct { const char *name, *in; size_t len; int err; const char *want; } cases[] = {
		{ "empty write", "", 0, 0, "keep" },
		{ "a lone newline clears", "\n", 1, 0, "(null)" },
		/* as driver_set_override() since 5666a274a6d5, and PCI's own */
		{ "a lone NUL clears", "\0", 1, 0, "(null)" },
		{ "NUL inside: stored up to the NUL", "ab\0cd", 5, 0, "ab" },
		{ "several newlines: stored up to the first", "ab\ncd\nef\n", 9, 0, "ab" },
		{ "a driver that does not exist is stored", "no-such-driver", 14, 0,
		  "no-such-driver" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char before_drv[64], after_drv[64];

		drv_on(bus, dev, before_drv, sizeof(before_drv));
		wr(path, "keep");
		e = wr_n(path, cases[i].in, cases[i].len);
		rd(path, back, sizeof(back));
		drv_on(bus, dev, after_drv, sizeof(after_drv));
		tap(e == cases[i].err && !strcmp(back, cases[i].want) &&
		    !strcmp(before_drv, after_drv),
		    "%s %s driver_override: %s (%s, reads \"%s\", want %s \"%s\"; bound %s -> %s)",
		    bus, dev, cases[i].name, ename(e), back, ename(cases[i].err), cases[i].want,
		    before_drv, after_drv);
	}
	/* an override naming no driver binds nothing and changes nothing else */
	snapshot(st, sizeof(st));
	wr(path, "\n");
	(void)st;
}

static int do_badinput(void)
{
	char dd[64] = "", st[2048], cur[64];
	struct owner o1 = { -1, -1, -1 }, o2 = { -1, -1, -1 };
	int e, gA, gB, fd, i;

	reset_devices();
	override_sweep("pci", B);
	dfl_dev(dd, sizeof(dd));
	if (dd[0])
		override_sweep("dfl", dd);
	else
		tap(1, "DFL driver_override # SKIP no DFL device (no DFL test enumerator)");

	/* bind / unbind with names that do not exist or belong to another bus */
	struct { const char *file, *name, *what; } bb[] = {
		{ PCI "/drivers/e1000/bind", "0000:99:1f.7", "a PCI name that does not exist" },
		{ PCI "/drivers/e1000/unbind", "0000:99:1f.7", "a PCI name that does not exist" },
		{ PCI "/drivers/e1000/bind", "nonsense", "a name of no form" },
		{ PCI "/drivers/e1000/bind", dd[0] ? dd : "dfl_dev.0", "a DFL device's name" },
		{ PCI "/drivers/e1000/unbind", dd[0] ? dd : "dfl_dev.0", "a DFL device's name" },
		{ DFL "/drivers/dfl-test/bind", B, "a PCI device's name" },
		{ DFL "/drivers/dfl-test/unbind", B, "a PCI device's name" },
		{ PCI "/drivers/vfio-pci/unbind", B, "a device the driver is not bound to" },
	};
	for (i = 0; i < (int)(sizeof(bb) / sizeof(bb[0])); i++) {
		if (!exists("%s", bb[i].file))
			continue;
		snapshot(st, sizeof(st));
		e = wr(bb[i].file, bb[i].name);
		tap(e == ENODEV && same(bb[i].file, st), "%s with %s: %s (want ENODEV), nothing changed",
		    bb[i].file, bb[i].what, ename(e));
	}

	/* VFIO: B and every endpoint of A on vfio-pci */
	for (i = 0; i < 3; i++)
		to_driver(A[i], "vfio-pci");
	to_driver(B, "vfio-pci");
	gA = group_of(A[0]);
	gB = group_of(B);

	o1.container = open("/dev/vfio/vfio", O_RDWR);
	o1.group = open((snprintf(st, sizeof(st), "/dev/vfio/%d", gB), st), O_RDWR);
	fd = open("/dev/vfio/vfio", O_RDWR);
	close(fd);
	e = ioctl(o1.group, VFIO_GROUP_SET_CONTAINER, &fd) ? errno : 0;
	tap(e == EBADF, "SET_CONTAINER with a closed fd: %s (want EBADF)", ename(e));
	fd = open("/dev/null", O_RDWR);
	e = ioctl(o1.group, VFIO_GROUP_SET_CONTAINER, &fd) ? errno : 0;
	tap(e == EINVAL, "SET_CONTAINER with a non-container fd (/dev/null): %s (want EINVAL)",
	    ename(e));
	close(fd);
	e = ioctl(o1.group, VFIO_GROUP_SET_CONTAINER, &o1.group) ? errno : 0;
	tap(e == EINVAL, "SET_CONTAINER with the group's own fd: %s (want EINVAL)", ename(e));
	/* none of that claimed the group: a kernel driver still binds */
	to_driver(B, "e1000");
	tap(!strcmp(drv(B, cur, sizeof(cur)), "e1000"),
	    "after the refused SET_CONTAINERs the group is not owned: e1000 binds %s (%s)", B, cur);
	to_driver(B, "vfio-pci");
	owner_close(&o1);

	/* two owners: B in container 1, A in container 2; A offered container 1 */
	e = owner_claim(&o1, gB);
	tap(!e, "container 1 claims group %d (%s)", gB, ename(e));
	e = owner_claim(&o2, gA);
	tap(!e, "container 2 claims group %d (%s)", gA, ename(e));
	e = ioctl(o2.group, VFIO_GROUP_SET_CONTAINER, &o1.container) ? errno : 0;
	tap(e == EINVAL, "SET_CONTAINER of the claimed group %d with container 1 (of group %d): "
	    "%s (want EINVAL)", gA, gB, ename(e));
	unbind(A[0]);
	e = wrf("e1000", PCI "/devices/%s/driver_override", A[0]);
	e = wr(PCI "/drivers/e1000/bind", A[0]);
	tap(e == EBUSY, "group %d keeps its owner: e1000 bind of %s gets %s (want EBUSY)", gA,
	    A[0], ename(e));
	e = ioctl(o2.group, VFIO_GROUP_UNSET_CONTAINER) ? errno : 0;
	tap(!e, "UNSET_CONTAINER: %s", ename(e));
	e = ioctl(o2.group, VFIO_GROUP_UNSET_CONTAINER) ? errno : 0;
	tap(e == EINVAL, "UNSET_CONTAINER twice: %s (want EINVAL)", ename(e));
	to_driver(A[0], "vfio-pci");
	e = ioctl(o2.group, VFIO_GROUP_SET_CONTAINER, &o2.container) ? errno : 0;
	tap(!e, "after the unset the group is claimed again (%s)", ename(e));
	owner_close(&o2);
	owner_close(&o1);

	/* close racing claim */
	{
		int rounds = 200, owned_after = 0;

		for (i = 0; i < rounds; i++) {
			struct duel du;
			pthread_t t;
			struct owner o = { -1, -1, -1 };

			o.container = open("/dev/vfio/vfio", O_RDWR);
			o.group = open((snprintf(st, sizeof(st), "/dev/vfio/%d", gB), st), O_RDWR);
			if (o.group < 0) {
				owner_close(&o);
				owned_after++;
				continue;
			}
			du.group = o.group;
			du.container = o.container;
			pthread_create(&t, NULL, duel_thread, &du);
			if (i % 3)
				usleep(rnd(200));
			close(o.group);
			pthread_join(t, NULL);
			close(o.container);
			/* everything is closed: the group must be free again */
			e = owner_claim(&o, gB);
			if (e)
				owned_after++;
			owner_close(&o);
		}
		tap(!owned_after, "close racing SET_CONTAINER, %d rounds: the group is free after "
		    "every round (%d not)", rounds, owned_after);
	}
	{
		const char *devA[] = { A[0], A[1], A[2], NULL }, *devB[] = { B, NULL };

		balanced("after the bad input, group A", devA);
		balanced("after the bad input, group B", devB);
	}
	reset_devices();
	return tap_done();
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	srandom(1);
	if (argc < 2)
		goto usage;
	/* before discover(): a blocked rescan may have left a device out */
	if (!strcmp(argv[1], "soak") && !access(WEDGED, F_OK)) {
		tap(0, "soak: not started: the fault sweep left the PCI core blocked (" WEDGED ")");
		return tap_done();
	}
	if (discover())
		return 1;
	if (!strcmp(argv[1], "soak") && argc >= 3) {
		int i, churn = 1;

		for (i = 3; i < argc; i++) {
			if (!strcmp(argv[i], "removal-apart"))
				churn = 0;
			else if (!strcmp(argv[i], "no-unset"))
				no_unset = 1;
			else
				goto usage;
		}
		return do_soak(atoi(argv[2]), churn);
	}
	if (!strcmp(argv[1], "faults") && argc <= 4)
		return do_faults(argc >= 3 ? atoi(argv[2]) : 1, argc >= 4 ? argv[3] : NULL);
	if (!strcmp(argv[1], "badinput"))
		return do_badinput();
usage:
	fprintf(stderr, "usage: ownstress soak SECONDS [removal-apart] [no-unset] | faults [STRIDE [PATH]] | "
		"badinput\n");
	return 2;
}
