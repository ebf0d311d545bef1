/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ename(): an errno as its symbolic name, the form the bench's scenarios and
 * figures match ("EBUSY", not "Device or resource busy"); "ok" for 0 and
 * "E<n>" for a number not listed. Shared by benchtool.c and ownstress.c.
 */
#ifndef BENCH_ENAME_H
#define BENCH_ENAME_H

#include <errno.h>
#include <stdio.h>

static inline const char *ename(int e)
{
	static __thread char buf[16];

	switch (e) {
	case 0: return "ok";
	case EBUSY: return "EBUSY";
	case EPERM: return "EPERM";
	case EINVAL: return "EINVAL";
	case ENODEV: return "ENODEV";
	case ENOENT: return "ENOENT";
	case ENOMEM: return "ENOMEM";
	case EBADF: return "EBADF";
	case EEXIST: return "EEXIST";
	case ENXIO: return "ENXIO";
	case ENOSPC: return "ENOSPC";
	case EFAULT: return "EFAULT";
	case EACCES: return "EACCES";
	case EIO: return "EIO";
	case E2BIG: return "E2BIG";
	case EAGAIN: return "EAGAIN";
	case ETIMEDOUT: return "ETIMEDOUT";
	default:
		snprintf(buf, sizeof(buf), "E%d", e);
		return buf;
	}
}

#endif
