#ifndef CSYSTEM_H
#define CSYSTEM_H

// Linux headers that Swift's Glibc module does not export, plus a few constants that are macros
// Swift cannot import. Nothing here has logic of its own.

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <unistd.h>

static inline int cs_errno(void) { return errno; }

/// Bytes in a TCP socket's send queue not yet acknowledged by the peer (sent or not), or -1.
static inline int cs_send_queue_bytes(int fd) {
    int bytes = 0;
    return ioctl(fd, TIOCOUTQ, &bytes) == 0 ? bytes : -1;
}

static const uint32_t CS_EPOLLIN = EPOLLIN;
static const uint32_t CS_EPOLLOUT = EPOLLOUT;
static const uint32_t CS_EPOLLERR = EPOLLERR;
static const uint32_t CS_EPOLLHUP = EPOLLHUP;
static const uint32_t CS_EPOLLRDHUP = EPOLLRDHUP;
static const uint32_t CS_EPOLLET = EPOLLET;

static const int CS_SOCK_NONBLOCK = SOCK_NONBLOCK;
static const int CS_SOCK_CLOEXEC = SOCK_CLOEXEC;
static const int CS_EFD_NONBLOCK = EFD_NONBLOCK;
static const int CS_EFD_CLOEXEC = EFD_CLOEXEC;
static const int CS_EPOLL_CLOEXEC = EPOLL_CLOEXEC;

/// epoll_event is packed on x86_64; reading it through these keeps Swift away from the layout.
static inline uint32_t cs_epoll_event_events(const struct epoll_event *e) { return e->events; }
static inline uint64_t cs_epoll_event_data(const struct epoll_event *e) { return e->data.u64; }

static inline int cs_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event ev;
    ev.events = events;
    ev.data.u64 = data;
    return epoll_ctl(epfd, op, fd, &ev);
}

/// accept4(2); a function here because glibc declares it only under _GNU_SOURCE.
int cs_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);

static inline size_t cs_epoll_event_size(void) { return sizeof(struct epoll_event); }

/// Installs a handler for `signo` that writes the signal number, as one byte, to
/// `pipe_write_fd` (the self-pipe trick: async-signal-safe, and it works whichever thread the
/// kernel picks to take the signal). One pipe per process: the last call's fd is used.
int cs_forward_signal(int signo, int pipe_write_fd);
/// Stops the forwarder writing anywhere (a waiter whose set-up failed closes its pipe).
void cs_signal_forwarding_off(void);
/// 1 when `signo` is ignored (SIG_IGN), as `nohup` leaves SIGHUP for the program it starts.
int cs_signal_is_ignored(int signo);

/// Unblocks `signo` in the calling thread, whatever mask it inherited.
static inline int cs_unblock_signal(int signo) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    return pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

static inline int cs_ignore_sigpipe(void) {
    return signal(SIGPIPE, SIG_IGN) == SIG_ERR ? -1 : 0;
}

/// CPUs this process may run on (its affinity mask, so `taskset` is honoured).
int cs_available_cpus(void);

/// Names the calling thread (visible in top -H and /proc), truncated to 15 bytes.
void cs_set_thread_name(const char *name);

/// The event loop running on the calling thread, or NULL: set by the loop as it starts, so code
/// it runs (an upstream call) can find the loop it is on without a lookup.
void cs_set_current_loop(void *loop);
void *cs_current_loop(void);

/// getsockopt(SO_ERROR): the outcome of a non-blocking connect, or -1 if it cannot be read.
static inline int cs_socket_error(int fd) {
    int error = 0;
    socklen_t length = sizeof(error);
    return getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 ? error : -1;
}

#endif
