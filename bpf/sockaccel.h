/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sockaccel.h: the layouts that the BPF programs and user space share: the
 * socket key, the counters, the names of maps, programs and pins.
 * Included by bpf/sockaccel.bpf.c and by loader/.
 */
#ifndef SOCKACCEL_H
#define SOCKACCEL_H

#include <linux/types.h>

/*
 * Key of one socket in the sockhash: the connection seen from that socket.
 * The sockops program stores the peer's key (local and remote swapped) in
 * the socket's sk_storage, where the sk_msg program finds it.
 * The network namespace cookie keeps two namespaces that use the same
 * addresses and ports apart.  The two initial sequence numbers tell apart
 * two connections with the same 4-tuple: on loopback net.ipv4.tcp_tw_reuse
 * hands a TIME_WAIT tuple to a new connection while the old socket, not yet
 * closed by its owner, is still in the sockhash (a socket leaves it only at
 * close(), Linux 6.18), maybe with redirected bytes its reader has not
 * read; the new connection must neither replace nor reach it.
 * IPv4 (and IPv4-mapped IPv6) addresses are stored in ip[0] with ip[1..3]
 * zero, family AF_INET.  56 bytes, no padding.
 */
struct sa_key {
	__u64 netns;		/* bpf_get_netns_cookie() */
	__u32 local_ip[4];	/* network byte order */
	__u32 remote_ip[4];	/* network byte order */
	__u32 family;		/* AF_INET or AF_INET6 */
	__u16 local_port;	/* host byte order */
	__u16 remote_port;	/* host byte order */
	__u32 local_seq;	/* our ISN + 1: snd_nxt at ESTABLISHED, before data */
	__u32 remote_seq;	/* the peer's ISN + 1: rcv_nxt at ESTABLISHED */
};

/* Per-socket state kept in BPF_MAP_TYPE_SK_STORAGE (freed with the socket). */
struct sa_sk_state {
	/*
	 * SA_STACK_ALWAYS once one message of this socket went through the TCP
	 * stack because its peer was not in the sockhash (or a small-write
	 * stream): from then on every message takes the stack, a later
	 * redirect could overtake bytes still sitting in the peer's TCP
	 * receive queue (the peer reads its sk_msg queue first), and that
	 * would reorder the stream.  SA_STACK_OPTION: the same, for an
	 * option the redirect does not honour (sockaccel_opt).
	 * SA_STACK_BEHIND (backpressure): the same until the peer has read
	 * every byte written, which the unread count tells (sockaccel.bpf.c
	 * "Backpressure").
	 */
	__u32 stack_only;	/* 0 or SA_STACK_* */
	__u32 side;		/* which end of the connection: SA_SIDE_* */
	__u64 conn;		/* the connection's id: its key in "streak" */
	struct sa_key peer;	/* the key the peer socket is stored under */
	struct sa_key own;	/* this socket's own key */
};

/*
 * streak[conn]: the run of small writes a connection is in.  conn is a
 * 64-bit hash of the connection's key that both ends compute alike (see
 * conn_id() in sockaccel.bpf.c), so one lookup of an 8-byte key per
 * message serves both ends: the writer counts its run and, by taking the
 * entry over, ends the run it answers.  side: the end that wrote the run.
 */
struct sa_streak {
	__u32 side;		/* SA_SIDE_* of the writer */
	__u32 run;		/* small writes in a row from that end */
};
#define SA_SIDE_LOW	1	/* the end whose half of the key hashes lower */
#define SA_SIDE_HIGH	2

/* sa_sk_state.stack_only: for good, or until the reader caught up. */
#define SA_STACK_ALWAYS	1
#define SA_STACK_OPTION	2	/* for good: an option set (sockaccel_opt) */
#define SA_STACK_BEHIND	3	/* SA_BACKPRESSURE builds */

/* Index into the per-CPU counter array. */
enum sa_counter {
	SA_SOCK_ADDED,		/* sockets put into the sockhash */
	SA_SOCK_ADD_FAILED,	/* insert failed: sockhash full, no memory, or the
				 * socket has another tool's sk_msg (EBUSY) */
	SA_SOCK_FILTERED,	/* not added: port filter or data sent early */
	SA_MSG_REDIRECTED,	/* sendmsg calls redirected to the peer */
	SA_BYTES_REDIRECTED,
	SA_MSG_PASSED,		/* sendmsg calls that went through the stack */
	SA_BYTES_PASSED,
	SA_SOCK_TO_STACK,	/* sockets moved to the stack: a small-write stream */
	SA_SOCK_BACKPRESSURE,	/* moves to the stack: the peer had more than
				 * config.unread_max_kib KiB unread (a socket
				 * comes back once it read all; moves again) */
	SA_SOCK_SOCKOPT,	/* sockets left to the stack: they set an option
				 * the redirect does not honour (SO_RCVLOWAT...) */
	SA_COUNTER_MAX
};

/*
 * Small-write streams (see sockaccel.bpf.c): a socket whose peer has sent
 * more than SA_STREAK_MAX writes of under SA_SMALL_MSG bytes in a row
 * without an answer is moved to the stack.  Measured crossover of the
 * redirect against TCP on the development machine: 8-16 KiB per write.
 */
#ifndef SA_SMALL_MSG	/* the benchmark builds variants with other values */
#define SA_SMALL_MSG	8192
#endif
#ifndef SA_STREAK_MAX
#define SA_STREAK_MAX	64
#endif
/*
 * Connections whose run is counted at once (one entry per connection, for
 * both directions).  An LRU map preallocates every entry when it is
 * created: 65536 entries of the former 56-byte keys made install 2.5 ms
 * slower, 4096 cost 0.3 ms (an entry is now 16 bytes of key and value
 * instead of 64).  Past 4096 the least recently used counts are
 * forgotten, which only delays a move.
 */
#ifndef SA_STREAK_ENTRIES
#define SA_STREAK_ENTRIES 4096
#endif

/*
 * Backpressure (see sockaccel.bpf.c): a socket whose peer has more than
 * config.unread_max_kib KiB written and not read yet goes through the
 * stack, where TCP's windows make its writer wait, until the peer has read
 * everything.  Plain TCP lets a writer queue about 4 MiB for a reader that
 * stops (send and receive buffers on loopback, Linux 6.18, default
 * sysctls); after the move the stack queues that much again, so an install
 * sets half of net.ipv4.tcp_wmem's max (2 MiB by default): the total stays
 * below twice what TCP alone would queue.
 *
 * SA_BACKPRESSURE=1 builds it in: `make` builds that object as
 * build/bpf/backpressure/sockaccel.bpf.o, for `install --objects`.  The
 * built-in object leaves it out: it slows down bulk streams whose writer
 * outpaces its reader (README "Backpressure"), and loading it needs
 * CAP_PERFMON (a raw tracepoint program; kernel addresses in a map).
 */
#ifndef SA_BACKPRESSURE
#define SA_BACKPRESSURE	0
#endif

/* config[0]: install-time settings. */
struct sa_config {
	__u32 port_filter;	/* non-zero: only ports listed in "ports" */
	__u32 unread_max_kib;	/* SA_BACKPRESSURE builds: the bound, set once
				 * sockaccel_read is attached; 0: no bound */
};

#ifndef SA_SOCKHASH_MAX
#define SA_SOCKHASH_MAX	65536
#endif
#define SA_PORTS_MAX	64
/* to_stack[conn]: connections an end of which set such an option, until
 * the other end's next write sees it.  LRU: an entry whose other end never
 * writes again ages out. */
#define SA_TO_STACK_ENTRIES 1024

/* Map and program names: kernel object names (at most 15 chars) and pins. */
#define SA_MAP_SOCKHASH	"sock_hash"
#define SA_MAP_COUNTERS	"counters"
#define SA_MAP_CONFIG	"config"
#define SA_MAP_PORTS	"ports"
#define SA_MAP_SKSTATE	"sk_state"
#define SA_MAP_STREAK	"streak"
#define SA_MAP_TOSTACK	"to_stack"
#define SA_MAP_UNREAD	"unread"	/* SA_BACKPRESSURE builds only */
#define SA_MAP_READERS	"readers"	/* SA_BACKPRESSURE builds only */
#define SA_PROG_SOCKOPS	"sockaccel_ops"
#define SA_PROG_SKMSG	"sockaccel_msg"
#define SA_PROG_SOCKOPT	"sockaccel_opt"
#define SA_PROG_READ	"sockaccel_read"	/* SA_BACKPRESSURE builds only */

#endif
