/*
 * sockopt.c - TCP options of the milter's listening socket; see
 * sockopt.h.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "sockopt.h"

#define FD_SCAN_MAX	1024	/* without /proc: the descriptors tried */

/* 1 when fd is a listening TCP socket. */
static int
is_tcp_listener(int fd)
{
	int		 v;
	socklen_t	 len;

	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == -1 ||
	    v == 0)
		return 0;
	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) == -1 ||
	    (v != AF_INET && v != AF_INET6))
		return 0;
	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) == -1 ||
	    v != SOCK_STREAM)
		return 0;
	return 1;
}

/* Set TCP_NODELAY on fd if it is a TCP listener: 1, 0 or -1. */
static int
nodelay(int fd)
{
	int	 on = 1;

	if (!is_tcp_listener(fd))
		return 0;
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) == -1)
		return -1;
	return 1;
}

int
sockopt_listener_nodelay(void)
{
	DIR		*d;
	struct dirent	*de;
	char		*end;
	long		 fd;
	int		 n = 0, r, bad = 0;	/* bad: the first errno */

	if ((d = opendir("/proc/self/fd")) != NULL) {
		while ((de = readdir(d)) != NULL) {
			fd = strtol(de->d_name, &end, 10);
			if (end == de->d_name || *end != '\0' ||
			    fd == dirfd(d))
				continue;
			if ((r = nodelay((int)fd)) == -1) {
				if (bad == 0)
					bad = errno;
			} else
				n += r;
		}
		closedir(d);
	} else {
		for (fd = 0; fd < FD_SCAN_MAX; fd++) {
			if ((r = nodelay((int)fd)) == -1) {
				if (bad == 0)
					bad = errno;
			} else
				n += r;
		}
	}
	if (bad != 0) {
		errno = bad;	/* the reason of the first failure */
		return -1;
	}
	return n;
}
