/*
 * sockopt.h - TCP options of the milter's listening socket.
 *
 * libmilter opens the listening socket itself (smfi_opensocket) and
 * keeps its descriptor private; it sets no TCP option on it, nor on the
 * connections it accepts.  A milter reply is often written in several
 * small pieces (one per recipient or header change, then the final
 * reply), and with Nagle's algorithm each piece after the first waits
 * for the MTA's ACK, which the MTA delays (40 ms on Linux) because it is
 * itself waiting for the reply.  On Linux an accepted socket inherits
 * TCP_NODELAY from the listening socket: setting it there once makes
 * every connection write at once.
 */
#ifndef ABUSE_SOCKOPT_H
#define ABUSE_SOCKOPT_H

/*
 * Set TCP_NODELAY on the listening TCP sockets of this process (those
 * libmilter opened).  Call after smfi_opensocket(), before smfi_main().
 * Returns the number of sockets set (0 for a UNIX-domain socket), or -1
 * with errno set when setsockopt failed on one.
 */
int	 sockopt_listener_nodelay(void);

#endif
