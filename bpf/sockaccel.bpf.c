// SPDX-License-Identifier: GPL-2.0
/*
 * sockaccel.bpf.c: local TCP socket acceleration.
 *
 * sockops (attached to a cgroup v2): when a TCP connection of the cgroup is
 * established, put the socket into the sockhash under its own key.
 *
 * sk_msg (attached to the sockhash): runs on every sendmsg() of a socket in
 * the sockhash.  If the peer socket is in the sockhash too, the message is
 * queued straight onto the peer's receive side (BPF_F_INGRESS), skipping the
 * TCP/IP stack; otherwise it goes through the stack untouched.
 *
 * cgroup/setsockopt (on the same cgroup): a socket that sets an option the
 * redirect does not honour is left to the stack (sockaccel_opt, below).
 *
 * Needs Linux 5.15: bpf_get_netns_cookie() for sock_ops.
 *
 * With SA_BACKPRESSURE=1 (see "Backpressure" below), a tracing program
 * counts what each reader reads, and a socket whose peer has too much
 * unread is moved to the stack.
 */
#include <linux/bpf.h>
#define AF_INET		2	/* values are ABI; <sys/socket.h> is libc, not UAPI */
#define AF_INET6	10
#include "bpf_api.h"
#include "sockaccel.h"

/*
 * The maps, in the legacy "maps" section by default.  The same programs can
 * be built with the two other ways loaders read map definitions (used by the
 * tests and the benchmark, never shipped):
 *   -DSA_MAP_STYLE=1  iproute2's struct bpf_elf_map
 *   -DSA_MAP_STYLE=2  BTF-defined maps in ".maps" (with -g), as bpftool wants
 * Map symbols must not be static: the loader finds them in the symbol table.
 */
#ifndef SA_MAP_STYLE
#define SA_MAP_STYLE 0
#endif

#if SA_MAP_STYLE == 2
/* Key and value as types: BTF then describes them, which local-storage maps need. */
#define SA_MAP(name, t, K, V, max, fl)					\
	struct {							\
		__uint(type, t);					\
		__type(key, K);						\
		__type(value, V);					\
		__uint(max_entries, max);				\
		__uint(map_flags, fl);					\
	} name SEC(".maps")
#elif SA_MAP_STYLE == 1
#define SA_MAP(name, t, K, V, max, fl)					\
	struct bpf_elf_map SEC("maps") name = {				\
		.type = t, .size_key = sizeof(K), .size_value = sizeof(V), \
		.max_elem = max, .flags = fl,				\
	}
#else
#define SA_MAP(name, t, K, V, max, fl)					\
	struct bpf_map_def SEC("maps") name = {				\
		.type = t, .key_size = sizeof(K), .value_size = sizeof(V), \
		.max_entries = max, .map_flags = fl,			\
	}
#endif

/*
 * The sockhash value is 8 bytes, not 4: user space reads a socket's value
 * back as its u64 socket cookie (Linux 5.1), and 4-byte values make
 * bpftool's map dump fail.
 */
SA_MAP(sock_hash, BPF_MAP_TYPE_SOCKHASH, struct sa_key, __u64, SA_SOCKHASH_MAX, 0);
SA_MAP(counters, BPF_MAP_TYPE_PERCPU_ARRAY, __u32, __u64, SA_COUNTER_MAX, 0);
SA_MAP(config, BPF_MAP_TYPE_ARRAY, __u32, struct sa_config, 1, 0);
SA_MAP(ports, BPF_MAP_TYPE_HASH, __u32, __u32, SA_PORTS_MAX, 0);
/* Socket-local storage: no max_entries, entries die with their socket.
 * BPF_F_CLONE (Linux 5.3): an accepted socket gets a copy of its
 * listener's, where sockaccel_opt marked an option the kernel copies too. */
SA_MAP(sk_state, BPF_MAP_TYPE_SK_STORAGE, int, struct sa_sk_state, 0,
       BPF_F_NO_PREALLOC | BPF_F_CLONE);
/* streak[conn]: the run of small writes of one connection (struct
 * sa_streak).  LRU: entries of closed connections age out. */
SA_MAP(streak, BPF_MAP_TYPE_LRU_HASH, __u64, struct sa_streak, SA_STREAK_ENTRIES, 0);
SA_MAP(to_stack, BPF_MAP_TYPE_LRU_HASH, __u64, __u32, SA_TO_STACK_ENTRIES, 0);
#if SA_BACKPRESSURE
/* unread[key]: bytes redirected to the socket with that key and not read
 * yet.  One entry per socket in the sockhash, from ESTABLISHED to CLOSE. */
SA_MAP(unread, BPF_MAP_TYPE_HASH, struct sa_key, __s64, SA_SOCKHASH_MAX, BPF_F_NO_PREALLOC);
#endif

static __always_inline void count(__u32 idx, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &idx);

	if (v)
		__sync_fetch_and_add(v, n);
}

/*
 * Fill one side of a key.  An IPv4-mapped IPv6 address (::ffff:a.b.c.d, what
 * a dual-stack socket on [::] sees of an IPv4 peer) is stored as plain IPv4,
 * so that it matches the key its IPv4 peer builds.  Returns the family, or 0
 * for a family we do not accelerate.
 */
static __always_inline __u32 set_addr(__u32 *dst, __u32 family, __u32 ip4,
				      __u32 a0, __u32 a1, __u32 a2, __u32 a3)
{
	if (family == AF_INET) {
		dst[0] = ip4;
		return AF_INET;
	}
	if (family != AF_INET6)
		return 0;
	if (a0 == 0 && a1 == 0 && a2 == bpf_htonl(0x0000ffff)) {
		dst[0] = a3;
		return AF_INET;
	}
	dst[0] = a0;
	dst[1] = a1;
	dst[2] = a2;
	dst[3] = a3;
	return AF_INET6;
}

/*
 * Fill the address part of a key from a context that has the sock_ops (or
 * sk_msg) address fields.  "me" and "peer" name the key members that
 * receive the context's local and remote end: (local, remote) gives the
 * socket's own key, (remote, local) the key its peer was stored under.
 *
 * Each context field is read with one 32-bit load: the only access size the
 * verifier allows for them.  remote_port holds the port in network byte
 * order in its upper half on little endian (bpf_ntohl gives the port), while
 * local_port is in host byte order: UAPI struct bpf_sock_ops and struct
 * sk_msg_md agree on this.  Evaluates to non-zero when the key is usable.
 */
#define SA_KEY_FROM_CTX(k, ctx, me, peer)				\
	({								\
		__u32 fam = (ctx)->family;				\
		__u32 f_me = set_addr((k)->me##_ip, fam, (ctx)->local_ip4, \
			(ctx)->local_ip6[0], (ctx)->local_ip6[1],	\
			(ctx)->local_ip6[2], (ctx)->local_ip6[3]);	\
		__u32 f_peer = set_addr((k)->peer##_ip, fam,		\
			(ctx)->remote_ip4,				\
			(ctx)->remote_ip6[0], (ctx)->remote_ip6[1],	\
			(ctx)->remote_ip6[2], (ctx)->remote_ip6[3]);	\
		(k)->me##_port = (__u16)(ctx)->local_port;		\
		(k)->peer##_port = (__u16)bpf_ntohl((ctx)->remote_port); \
		(k)->family = f_me;					\
		f_me != 0 && f_me == f_peer;				\
	})

static __always_inline int port_allowed(const struct sa_key *k)
{
	__u32 zero = 0, port;
	struct sa_config *cfg = bpf_map_lookup_elem(&config, &zero);

	if (!cfg || !cfg->port_filter)
		return 1;
	port = k->local_port;
	if (bpf_map_lookup_elem(&ports, &port))
		return 1;
	port = k->remote_port;
	return bpf_map_lookup_elem(&ports, &port) != 0;
}

/* The key the peer socket is stored under: ours with the ends swapped. */
static __always_inline void peer_key(struct sa_key *p, const struct sa_key *k)
{
	int i;

	p->netns = k->netns;
	for (i = 0; i < 4; i++) {
		p->local_ip[i] = k->remote_ip[i];
		p->remote_ip[i] = k->local_ip[i];
	}
	p->family = k->family;
	p->local_port = k->remote_port;
	p->remote_port = k->local_port;
	p->local_seq = k->remote_seq;
	p->remote_seq = k->local_seq;
}

/*
 * The connection's id in the streak map, and which end this socket is.
 * Both ends must find the same entry without reaching each other's state
 * (an sk_msg program only has its own socket), so the id is computed from
 * the key, which both ends know: each end's half (address, port, ISN) is
 * hashed, and the two halves are combined in their hashed order with the
 * network namespace.  The hash is only a name for a counter: should two
 * live connections ever share one (2^-64 per pair), their runs mix, which
 * at worst moves a socket to the stack early or late; the redirect itself
 * keeps using the full key.  Once per connection, in sockops: the
 * per-message path hashes 8 bytes instead of 56 (twice).
 * Each step of mix() (xor, multiply by an odd constant, xor the high half
 * into the low) is one-to-one in h for a fixed v and in v for a fixed h.
 * The constant is a sign-extended 32-bit immediate (odd all the same): one
 * instruction where a 64-bit constant takes a two-slot load.
 */
static __always_inline __u64 mix(__u64 h, __u64 v)
{
	h = (h ^ v) * (__u64)(__s64)(__s32)0x9e3779b1;
	return h ^ (h >> 32);
}

static __always_inline __u64 end_hash(const __u32 *ip, __u16 port, __u32 seq)
{
	__u64 h = mix(mix(0, ip[0] | (__u64)ip[1] << 32), ip[2] | (__u64)ip[3] << 32);

	return mix(h, (__u64)port << 32 | seq);
}

static __always_inline void conn_id(struct sa_sk_state *st, const struct sa_key *k)
{
	__u64 me = end_hash(k->local_ip, k->local_port, k->local_seq);
	__u64 peer = end_hash(k->remote_ip, k->remote_port, k->remote_seq);
	__u64 h = mix(k->netns, k->family);

	/* Equal halves (a socket connected to itself, or a 2^-64 chance): both
	 * ends count as one writer, which can only move a socket early. */
	st->side = me < peer ? SA_SIDE_LOW : SA_SIDE_HIGH;
	st->conn = me < peer ? mix(mix(h, me), peer) : mix(mix(h, peer), me);
}

#if SA_BACKPRESSURE
/*
 * Backpressure.  A redirect queues the bytes on the peer's sk_msg queue
 * (psock->ingress_msg, net/ipv4/tcp_bpf.c bpf_tcp_ingress()) and charges
 * them to the global TCP memory only (sk_wmem_schedule() on the peer), never
 * to its receive buffer: nothing makes the writer wait for a reader that
 * does not read, until the host's TCP memory runs out and the writer gets
 * ENOMEM.  So we count what each socket was sent and has not read
 * (unread[key]: every byte its peer wrote, redirected or through the stack,
 * minus what it read), and a writer whose peer is more than
 * config.unread_max_kib behind goes to the stack (SA_STACK_BEHIND), where
 * TCP's windows make it wait (EAGAIN or a blocking send(), as for any TCP
 * socket).  It comes back to the redirect at its first write that finds
 * unread[peer] at 0.
 *
 * Why neither move reorders the stream.  tcp_bpf_recvmsg() (Linux 5.15 to
 * 6.18 alike) reads the sk_msg queue first and the TCP receive queue only
 * when the sk_msg queue is empty.  To the stack: what was redirected waits
 * in the sk_msg queue and is read before anything the stack brings.  Back:
 * at 0 every byte the writer wrote has been read, the stack's included, so
 * the TCP receive queue holds none of it and the next redirected byte is
 * the next one read.  The counts can only err high, which keeps a writer on
 * the stack, never sends it back early: a write is counted in the verdict,
 * before its bytes can be read (a write that then fails stays counted); a
 * read is counted after it (sock_recvmsg(), MSG_PEEK left out).  Readers
 * that bypass sock_recvmsg() (splice(), tcp_read_sock()) are not counted:
 * their writer stays on the stack.  Every write reaches the sk_msg program:
 * sendfile()/splice() to the socket too (tcp_bpf_sendpage() before 6.5,
 * MSG_SPLICE_PAGES into tcp_bpf_sendmsg() since).
 *
 * Seeing the reads.  The unread bytes are visible nowhere a socket program
 * can look: no UAPI context field (sk_msg_md, bpf_sock, bpf_tcp_sock,
 * bpf_sock_ops) counts them, a redirect moves no TCP sequence number, and
 * sockops gets no callback when a reader reads.  An sk_msg program cannot
 * reach the peer's struct sock: a sockhash lookup returns a referenced
 * socket it must release, and bpf_sk_release() is not among sk_msg's
 * helpers ("program of this type cannot use helper bpf_sk_release", 6.18).
 * The kernel's own count, psock->msg_tot_len, is recent (6.18 has it, 6.2
 * did not) and sits behind sk_user_data, a void pointer no typed read
 * follows.  An fexit program on tcp_bpf_recvmsg() sees every read, but
 * needs kernel BTF and trampolines, and some kernels refuse tracing
 * programs outright (this 6.18 VM: EPERM before the verifier runs).
 * What works without BTF: the tracepoint sock:sock_recv_length (Linux 6.3),
 * fired by sock_recvmsg() after every recvmsg()/read() of every socket with
 * (sk, bytes read, flags).  A raw tracepoint program reads those three
 * arguments as plain numbers: no BTF, no CO-RE, attached by name
 * (BPF_RAW_TRACEPOINT_OPEN, 4.17) and kept by pinning its link (5.7).  The
 * socket address is the key: sockops records readers[address] = the key
 * at ESTABLISHED and forgets it at CLOSE (storing an address needs
 * CAP_PERFMON, which loading these programs needs anyway).
 *  - The writer's sk_msg program adds each message to unread[peer key]
 *    (one count per verdict, redirected or passed).
 *  - sockaccel_read subtracts what the reader got, from either queue.
 * config.unread_max_kib is set once the tracepoint program is attached;
 * while it is 0 (a kernel before 6.3) unread[] is not trusted and nothing
 * is moved: the redirect is unbounded, as before.
 */
SA_MAP(readers, BPF_MAP_TYPE_HASH, __u64, struct sa_key, SA_SOCKHASH_MAX, BPF_F_NO_PREALLOC);

static __always_inline int track_unread(struct bpf_sock_ops *skops, struct bpf_sock *sk,
					struct sa_key *key)
{
	__u64 addr = (__u64)(long)sk;
	__s64 zero = 0;

	if (bpf_map_update_elem(&unread, key, &zero, BPF_NOEXIST))
		return 0;
	if (bpf_map_update_elem(&readers, &addr, key, BPF_ANY)) {
		bpf_map_delete_elem(&unread, key);
		return 0;
	}
	/* BPF_SOCK_OPS_STATE_CB on every state change, for the CLOSE one. */
	bpf_sock_ops_cb_flags_set(skops, skops->bpf_sock_ops_cb_flags |
				  BPF_SOCK_OPS_STATE_CB_FLAG);
	return 1;
}

static __always_inline void forget_unread(struct bpf_sock_ops *skops)
{
	struct bpf_sock *sk = skops->sk;
	struct sa_sk_state *st;
	__u64 addr;

	/* args[1]: the new state (Linux 4.16) */
	if (skops->args[1] != BPF_TCP_CLOSE || !sk)
		return;
	addr = (__u64)(long)sk;
	bpf_map_delete_elem(&readers, &addr);
	st = bpf_sk_storage_get(&sk_state, sk, 0, 0);
	if (st)
		bpf_map_delete_elem(&unread, &st->own);
}

#define MSG_PEEK	2	/* <sys/socket.h>: ABI */

/* TP_PROTO(struct sock *sk, int ret, int flags), include/trace/events/sock.h */
SEC("raw_tracepoint/sock_recv_length")
int sockaccel_read(__u64 *ctx)
{
	__u64 addr = ctx[0];
	int got = (int)ctx[1], flags = (int)ctx[2];
	struct sa_key *key;
	__s64 *n;

	if (got <= 0 || (flags & MSG_PEEK))
		return 0;
	key = bpf_map_lookup_elem(&readers, &addr);
	if (!key)
		return 0;
	n = bpf_map_lookup_elem(&unread, key);
	if (n)
		__sync_fetch_and_add(n, -(__s64)got);
	return 0;
}

/* The bound in bytes; 0: none (the tracepoint program is not attached). */
static __always_inline __s64 unread_max(void)
{
	__u32 zero = 0;
	struct sa_config *cfg = bpf_map_lookup_elem(&config, &zero);

	return cfg ? (__s64)cfg->unread_max_kib << 10 : 0;
}
#endif

SEC("sockops")
int sockaccel_ops(struct bpf_sock_ops *skops)
{
	struct sa_key key = {};
	struct sa_sk_state *st;
	struct bpf_sock *sk;
	__u32 op = skops->op;

#if SA_BACKPRESSURE
	if (op == BPF_SOCK_OPS_STATE_CB) {
		forget_unread(skops);
		return 1;
	}
#endif
	if (op != BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB &&
	    op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
		return 1;

	if (!SA_KEY_FROM_CTX(&key, skops, local, remote))
		return 1;
	key.netns = bpf_get_netns_cookie(skops);
	/*
	 * Tell this connection from an earlier one on the same 4-tuple (see
	 * struct sa_key).  No data has moved yet (checked below), so snd_nxt
	 * is our initial sequence number + 1 and rcv_nxt the peer's: the two
	 * numbers the peer sees the other way round.  (struct bpf_sock_ops
	 * snd_nxt, rcv_nxt: Linux 4.16.)
	 */
	key.local_seq = skops->snd_nxt;
	key.remote_seq = skops->rcv_nxt;

	/*
	 * Data that crossed the stack before we could see the socket (TCP Fast
	 * Open puts it in the SYN) could be overtaken by redirected data: leave
	 * such a connection to the stack.
	 */
	if (!port_allowed(&key) || skops->data_segs_in || skops->data_segs_out) {
		count(SA_SOCK_FILTERED, 1);
		return 1;
	}

	/* The state must exist before the socket is in the sockhash. */
	sk = skops->sk;
	st = sk ? bpf_sk_storage_get(&sk_state, sk, 0, BPF_SK_STORAGE_GET_F_CREATE) : 0;
	if (!st) {
		count(SA_SOCK_ADD_FAILED, 1);
		return 1;
	}
	/* sockaccel_opt saw an option set before the connection was
	 * established (on this socket, or on the listener it was accepted
	 * from): it stays out, and its peer's redirects fail to the stack. */
	if (st->stack_only) {
		count(SA_SOCK_SOCKOPT, 1);
		return 1;
	}
	peer_key(&st->peer, &key);
	st->own = key;
	conn_id(st, &key);
#if SA_BACKPRESSURE
	/* Before the socket is in the sockhash: a writer that can reach it
	 * finds its count. */
	if (!track_unread(skops, sk, &key)) {
		count(SA_SOCK_ADD_FAILED, 1);
		return 1;
	}
#endif
	/*
	 * BPF_NOEXIST: never replace an entry.  Replacing drops the old
	 * socket's psock, and with it the redirected bytes still queued for
	 * its reader.  (Keys are unique per connection; this is the guard.)
	 */
	if (bpf_sock_hash_update(skops, &sock_hash, &key, BPF_NOEXIST) == 0) {
		count(SA_SOCK_ADDED, 1);
		return 1;
	}
	count(SA_SOCK_ADD_FAILED, 1);
#if SA_BACKPRESSURE
	bpf_map_delete_elem(&unread, &key);
#endif
	return 1;
}

/*
 * Is this write one more of a one-way stream of small writes?  Such a
 * stream is faster through the stack: TCP batches it (Nagle, autocork,
 * GRO), while a redirect costs one queued message, one lock of the peer's
 * socket and one wake-up per write; 1 KiB writes ran at 0.27x of TCP
 * redirected and 0.81x once moved to the stack (bench/, BENCHMARKS.md).
 * Request/response traffic resets the count with every answer, and writes
 * of SA_SMALL_MSG bytes or more (where the redirect wins) end a run.
 *
 * Moving is safe in this direction only: what was redirected waits in the
 * peer's sk_msg queue, which the peer reads before its TCP receive queue,
 * so nothing is reordered; and nothing is held back.
 */
static __always_inline int small_write_stream(struct sa_sk_state *st, __u64 size)
{
	struct sa_streak first = { .side = st->side, .run = 1 };
	struct sa_streak *s = bpf_map_lookup_elem(&streak, &st->conn);

	if (size >= SA_SMALL_MSG) {
		if (s && s->run)
			s->run = 0;	/* ends our run, or the one we answer */
		return 0;
	}
	if (!s) {
		bpf_map_update_elem(&streak, &st->conn, &first, BPF_ANY);
		return 0;
	}
	if (s->side != st->side) {
		*s = first;	/* we answer: the run we received ends, ours starts */
		return 0;
	}
	return ++s->run > SA_STREAK_MAX;	/* races between the two ends only blur the count */
}

SEC("sk_msg")
int sockaccel_msg(struct sk_msg_md *msg)
{
	struct sa_sk_state *st;
	struct bpf_sock *sk = msg->sk;
	__u64 size = msg->size;
#if SA_BACKPRESSURE
	__s64 *unread_n = 0, max, behind = 0;
#endif

	if (!sk)
		goto pass;
	/*
	 * A socket that has sent its FIN (shutdown(SHUT_WR), or close() with
	 * the socket still shared) must fail the write with EPIPE, as
	 * tcp_sendmsg_locked() does on SEND_SHUTDOWN.  tcp_bpf_sendmsg()
	 * checks only sk_err, so a redirect would deliver bytes after the
	 * FIN.  The stack refuses them, so they are not counted as passed.
	 * (struct bpf_sock state: Linux 5.1.)
	 */
	if (sk->state != BPF_TCP_ESTABLISHED && sk->state != BPF_TCP_CLOSE_WAIT)
		return SK_PASS;
	st = bpf_sk_storage_get(&sk_state, sk, 0, 0);
	if (!st || (st->stack_only && st->stack_only != SA_STACK_BEHIND))
		goto pass;
	/* The peer set an option the redirect does not honour (sockaccel_opt):
	 * from now on it gets our bytes through the stack, after the ones
	 * already queued for it. */
	if (bpf_map_lookup_elem(&to_stack, &st->conn)) {
		bpf_map_delete_elem(&to_stack, &st->conn);
		st->stack_only = SA_STACK_ALWAYS;
		goto pass;
	}
#if SA_BACKPRESSURE
	/* No count: the peer is not in the sockhash (the redirect fails).
	 * A bound of 0 (the tracepoint is not attached): no count either. */
	max = unread_max();
	if (max)
		unread_n = bpf_map_lookup_elem(&unread, &st->peer);
	/* Counted now, before its bytes can be read, whichever way they go
	 * (a failed redirect passes them). */
	if (unread_n)
		behind = __sync_fetch_and_add(unread_n, (__s64)size);
	/* Back from the stack once the reader has read every byte written
	 * before this one (see "Backpressure"); the bound gone (0): stay. */
	if (st->stack_only) {
		if (!unread_n || behind)
			goto pass;
		st->stack_only = 0;
	}
#endif
	if (small_write_stream(st, size)) {
		st->stack_only = SA_STACK_ALWAYS;
		count(SA_SOCK_TO_STACK, 1);
		goto pass;
	}
#if SA_BACKPRESSURE
	if (behind > max) {
		st->stack_only = SA_STACK_BEHIND;
		count(SA_SOCK_BACKPRESSURE, 1);
		goto pass;
	}
#endif
	/* The peer's key, as sockops stored it: this very connection's peer. */
	if (bpf_msg_redirect_hash(msg, &sock_hash, &st->peer, BPF_F_INGRESS) ==
	    SK_PASS) {
		count(SA_MSG_REDIRECTED, 1);
		count(SA_BYTES_REDIRECTED, size);
		return SK_PASS;
	}
	st->stack_only = SA_STACK_ALWAYS;
pass:
	count(SA_MSG_PASSED, 1);
	count(SA_BYTES_PASSED, size);
	return SK_PASS;
}

/*
 * Options the redirect path does not honour, seen as they are set
 * (BPF_CGROUP_SETSOCKOPT, Linux 5.3: before the kernel's own setsockopt):
 *  - SO_RCVLOWAT above 1: sk_msg_recvmsg() and sk_msg_is_readable() look
 *    only at whether messages are queued, never at sk_rcvlowat;
 *  - SO_OOBINLINE on: the application expects urgent data, which a
 *    redirect delivers as ordinary bytes (tcp_bpf_sendmsg() ignores
 *    MSG_OOB, which the sk_msg program cannot see).
 * The socket is left to the stack from then on, in the order-safe
 * direction: what was redirected to it stays queued and is read first
 * (tcp_bpf_recvmsg() reads the psock's queue before the TCP one); its
 * own writes take the stack (stack_only), and so do its peer's, from the
 * peer's next write (to_stack, keyed by the connection both ends know).
 * Before the connection is established, stack_only alone keeps it out of
 * the sockhash (sockaccel_ops), and BPF_F_CLONE hands a listener's mark to
 * the sockets it accepts, as the kernel hands them the option.
 * TCP_CORK and MSG_MORE are left alone: the bytes are only delivered
 * sooner, and servers that cork every response (nginx's tcp_nopush)
 * would lose the acceleration.
 *
 * Always 1: the option goes through, unchanged.  A setsockopt() larger
 * than a page shows the program only its first page; optlen 0 tells the
 * kernel to use the caller's buffer as it was (Linux 5.10; before 6.5 an
 * optlen left above the page size fails the call with EFAULT).  4096 is
 * the smallest page size: on larger pages the kernel uses the caller's
 * buffer for 0 all the same.
 */
#define SOL_SOCKET	1	/* <sys/socket.h>, <asm/socket.h>: ABI */
#define SO_OOBINLINE	10
#define SO_RCVLOWAT	18
#define IPPROTO_TCP	6

SEC("cgroup/setsockopt")
int sockaccel_opt(struct bpf_sockopt *ctx)
{
	struct bpf_sock *sk = ctx->sk;
	/* Unsigned: a negative SO_RCVLOWAT means INT_MAX to the kernel
	 * (sk_setsockopt()), and is above 1 here too. */
	__u32 *val = ctx->optval;
	struct sa_sk_state *st;
	__u32 one = 1;

	if (ctx->level == SOL_SOCKET && (void *)(val + 1) <= ctx->optval_end &&
	    sk->protocol == IPPROTO_TCP &&
	    (ctx->optname == SO_RCVLOWAT ? *val > 1 : ctx->optname == SO_OOBINLINE && *val)) {
		st = bpf_sk_storage_get(&sk_state, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
		/* moved for an option, once; conn: established, in the sockhash */
		if (st && st->stack_only != SA_STACK_OPTION) {
			st->stack_only = SA_STACK_OPTION;
			if (st->conn) {
				bpf_map_update_elem(&to_stack, &st->conn, &one, BPF_ANY);
				count(SA_SOCK_SOCKOPT, 1);
			}
		}
	}
	if (ctx->optlen > 4096)
		ctx->optlen = 0;
	return 1;
}

char _license[] SEC("license") = "GPL";
