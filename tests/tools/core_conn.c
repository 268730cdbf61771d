// SPDX-License-Identifier: GPL-2.0
/*
 * core_conn: one TCP connection over 127.0.0.1 whose every detail the CO-RE
 * test knows: the client sets SO_REUSEADDR and SO_REUSEPORT (the kernel's
 * skc_reuse and skc_reuseport bitfields become 1), connects to a listener
 * on an ephemeral port, and prints "client_port=N server_port=N pid=N".
 * Exit 0 when the connection was established and accepted.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in c;
	socklen_t len = sizeof(a);
	int one = 1, l, s, acc;

	l = socket(AF_INET, SOCK_STREAM, 0);
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || s < 0 || bind(l, (void *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (void *)&a, &len)) {
		perror("core_conn: listener");
		return 1;
	}
	if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ||
	    connect(s, (void *)&a, sizeof(a))) {
		perror("core_conn: connect");
		return 1;
	}
	acc = accept(l, NULL, NULL);
	len = sizeof(c);
	if (acc < 0 || getsockname(s, (void *)&c, &len)) {
		perror("core_conn: accept");
		return 1;
	}
	printf("client_port=%u server_port=%u pid=%d\n", ntohs(c.sin_port), ntohs(a.sin_port),
	       (int)getpid());
	close(acc);
	close(s);
	close(l);
	return 0;
}
