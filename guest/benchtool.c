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
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/vfio.h>

static const char *ename(int e)
{
	switch (e) {
	case 0: return "ok";
	case EBUSY: return "EBUSY";
	case EPERM: return "EPERM";
	case EINVAL: return "EINVAL";
	case ENODEV: return "ENODEV";
	case ENOENT: return "ENOENT";
	case EEXIST: return "EEXIST";
	case ENXIO: return "ENXIO";
	case ENOSPC: return "ENOSPC";
	case EFAULT: return "EFAULT";
	case EACCES: return "EACCES";
	default: return strerror(e);
	}
}

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

static int do_hold(const char *grp, char **cmd)
{
	char path[64];
	int container, group, status = 0;
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
	if (step("set-iommu", ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) < 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		execvp(cmd[0], cmd);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	close(group);
	close(container);
	printf("hold: released\n");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && !strcmp(argv[1], "write"))
		return do_write(argv[2], argv[3]);
	if (argc >= 4 && !strcmp(argv[1], "hold"))
		return do_hold(argv[2], argv + 3);
	fprintf(stderr, "usage: benchtool write PATH VALUE | hold GROUP CMD...\n");
	return 2;
}
