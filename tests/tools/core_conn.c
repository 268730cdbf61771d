// SPDX-License-Identifier: GPL-2.0
/*
 * core_conn: one TCP connection over 127.0.0.1 whose every detail the CO-RE
 * test knows: the client sets SO_REUSEADDR and SO_REUSEPORT (the kernel's
 * skc_reuse and skc_reuseport bitfields become 1), SO_MARK, SO_RCVBUF,
 * TCP_MAXSEG and TCP_NOTSENT_LOWAT (fields of struct sock and struct
 * tcp_sock), connects to a listener on an ephemeral port, and prints
 * "client_port=N server_port=N pid=N mark=N rcvbuf=N mss=N lowat=N"
 * (rcvbuf as getsockopt reads it back: the kernel doubles it).
 * Exit 0 when the connection was established and accepted.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in c;
	socklen_t len = sizeof(a);
	int one = 1, mark = 0x5ac0, rcvbuf = 65536, mss = 1000, lowat = 12345, l, s, acc;

	l = socket(AF_INET, SOCK_STREAM, 0);
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || s < 0 || bind(l, (void *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (void *)&a, &len)) {
		perror("core_conn: listener");
		return 1;
	}
	if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ||
	    setsockopt(s, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) ||
	    setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) ||
	    setsockopt(s, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof(mss)) ||
	    setsockopt(s, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat, sizeof(lowat)) ||
	    connect(s, (void *)&a, sizeof(a))) {
		perror("core_conn: connect");
		return 1;
	}
	acc = accept(l, NULL, NULL);
	len = sizeof(c);
	if (acc < 0 || getsockname(s, (void *)&c, &len) ||
	    getsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &(socklen_t){ sizeof(rcvbuf) })) {
		perror("core_conn: accept");
		return 1;
	}
	printf("client_port=%u server_port=%u pid=%d mark=%d rcvbuf=%d mss=%d lowat=%d\n",
	       ntohs(c.sin_port), ntohs(a.sin_port), (int)getpid(), mark, rcvbuf, mss, lowat);
	close(acc);
	close(s);
	close(l);
	return 0;
}
