// SPDX-License-Identifier: GPL-2.0
/*
 * benchtool: the bench's guest helper, statically linked into the initramfs.
 *
 *   benchtool write PATH VALUE      write VALUE to a sysfs file; prints "ok" or
 *                                   the errno name (EBUSY, ...); exit 0 / 1
 *   benchtool hold GROUP CMD...     open /dev/vfio/GROUP, VFIO_GROUP_SET_CONTAINER,
 *                                   VFIO_SET_IOMMU(TYPE1v2), run CMD while the
 *                                   group is held, then close; prints each
 *                                   step's result as "hold: STEP ok|ERRNO"
 *   benchtool hold-container GROUP CMD...
 *                                   the same without VFIO_SET_IOMMU: the group
 *                                   is claimed and sits on the blocking domain
 *   benchtool hold-device GROUP DEV CMD...
 *                                   as hold, and a device fd of DEV
 *                                   (VFIO_GROUP_GET_DEVICE_FD) open while
 *                                   CMD runs
 *   benchtool timebind DEV DRIVER N  bind and unbind DEV to DRIVER N times
 *                                   through sysfs; prints median ns of each
 *   benchtool timegroup GROUP DEV N open the group N times and time
 *                                   SET_CONTAINER, SET_IOMMU, GET_DEVICE_FD
 *                                   (for DEV) and the close; prints medians
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "ename.h"

static int do_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), e = 0;

	if (fd < 0) {
		e = errno;
	} else {
		if (write(fd, val, strlen(val)) < 0)
			e = errno;
		close(fd);
	}
	printf("%s\n", ename(e));
	return e ? 1 : 0;
}

static int step(const char *what, int ret)
{
	printf("hold: %s %s\n", what, ename(ret < 0 ? errno : 0));
	fflush(stdout);
	return ret;
}

static int do_hold(const char *grp, const char *dev, char **cmd, int set_iommu)
{
	char path[80], owner[96];
	int container, group, status = 0, unset, fd, device = -1;
	ssize_t n;
	pid_t pid;

	snprintf(path, sizeof(path), "/dev/vfio/%s", grp);
	container = open("/dev/vfio/vfio", O_RDWR);
	if (step("open-container", container) < 0)
		return 1;
	group = open(path, O_RDWR);
	if (step("open-group", group) < 0)
		return 1;
	if (step("set-container", ioctl(group, VFIO_GROUP_SET_CONTAINER, &container)) < 0)
		return 1;
	if (set_iommu &&
	    step("set-iommu", ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) < 0)
		return 1;
	if (dev) {
		device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, dev);
		if (step("get-device-fd", device) < 0)
			return 1;
	}
	pid = fork();
	if (pid == 0) {
		execvp(cmd[0], cmd);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	if (device >= 0)
		close(device);
	/*
	 * "released" only when it happened: the unset returned 0 and the
	 * kernel no longer names a user owner (the base has no dma_owner).
	 */
	unset = ioctl(group, VFIO_GROUP_UNSET_CONTAINER) ? errno : 0;
	close(group);
	close(container);
	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%s/dma_owner", grp);
	fd = open(path, O_RDONLY);
	n = fd < 0 ? 0 : read(fd, owner, sizeof(owner) - 1);
	owner[n > 0 ? n : 0] = 0;
	owner[strcspn(owner, "\n")] = 0;
	if (fd >= 0)
		close(fd);
	if (unset || !strncmp(owner, "user", 4)) {
		printf("hold: NOT released (UNSET_CONTAINER: %s, dma_owner: %s)\n", ename(unset),
		       owner[0] ? owner : "-");
		return 1;
	}
	printf("hold: released\n# dma_owner after the release: %s\n", owner[0] ? owner : "-");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static long long median(long long *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_ll);
	return v[n / 2];
}

static int sysfs_put(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		ret = -errno;
	if (fd >= 0)
		close(fd);
	return ret;
}

static int do_timebind(const char *dev, const char *drv, int n)
{
	long long *b = calloc(n, sizeof(*b)), *u = calloc(n, sizeof(*u)), t;
	char bind[256], unbind[256];
	int i;

	snprintf(bind, sizeof(bind), "/sys/bus/pci/drivers/%s/bind", drv);
	snprintf(unbind, sizeof(unbind), "/sys/bus/pci/drivers/%s/unbind", drv);
	for (i = 0; i < n; i++) {
		t = now_ns();
		if (sysfs_put(bind, dev))
			return printf("timebind: bind failed: %s\n", strerror(errno)), 1;
		b[i] = now_ns() - t;
		t = now_ns();
		if (sysfs_put(unbind, dev))
			return printf("timebind: unbind failed: %s\n", strerror(errno)), 1;
		u[i] = now_ns() - t;
	}
	printf("perf bind_ns %lld\nperf unbind_ns %lld\n", median(b, n), median(u, n));
	return 0;
}

static int do_timegroup(const char *grp, const char *dev, int n)
{
	long long *sc = calloc(n, sizeof(long long)), *si = calloc(n, sizeof(long long));
	long long *fd_ns = calloc(n, sizeof(long long)), *cl = calloc(n, sizeof(long long)), t;
	int i, c, g, d;
	char path[64];

	snprintf(path, sizeof(path), "/dev/vfio/%s", grp);
	for (i = 0; i < n; i++) {
		c = open("/dev/vfio/vfio", O_RDWR);
		g = open(path, O_RDWR);
		if (c < 0 || g < 0)
			return printf("timegroup: open: %s\n", strerror(errno)), 1;
		t = now_ns();
		if (ioctl(g, VFIO_GROUP_SET_CONTAINER, &c))
			return printf("timegroup: SET_CONTAINER: %s\n", strerror(errno)), 1;
		sc[i] = now_ns() - t;
		t = now_ns();
		if (ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
			return printf("timegroup: SET_IOMMU: %s\n", strerror(errno)), 1;
		si[i] = now_ns() - t;
		t = now_ns();
		d = ioctl(g, VFIO_GROUP_GET_DEVICE_FD, dev);
		if (d < 0)
			return printf("timegroup: GET_DEVICE_FD: %s\n", strerror(errno)), 1;
		fd_ns[i] = now_ns() - t;
		t = now_ns();
		close(d);
		close(g);
		close(c);
		cl[i] = now_ns() - t;
	}
	printf("perf set_container_ns %lld\nperf set_iommu_ns %lld\n",
	       median(sc, n), median(si, n));
	printf("perf get_device_fd_ns %lld\nperf close_ns %lld\n",
	       median(fd_ns, n), median(cl, n));
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && !strcmp(argv[1], "write"))
		return do_write(argv[2], argv[3]);
	if (argc >= 4 && !strcmp(argv[1], "hold"))
		return do_hold(argv[2], NULL, argv + 3, 1);
	if (argc >= 4 && !strcmp(argv[1], "hold-container"))
		return do_hold(argv[2], NULL, argv + 3, 0);
	if (argc >= 5 && !strcmp(argv[1], "hold-device"))
		return do_hold(argv[2], argv[3], argv + 4, 1);
	if (argc == 5 && !strcmp(argv[1], "timebind"))
		return do_timebind(argv[2], argv[3], atoi(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "timegroup"))
		return do_timegroup(argv[2], argv[3], atoi(argv[4]));
	fprintf(stderr, "usage: benchtool write PATH VALUE | hold GROUP CMD... |\n"
		"       hold-container GROUP CMD... | hold-device GROUP DEV CMD... |\n"
		"       timebind DEV DRIVER N | timegroup GROUP DEV N\n");
	return 2;
}
