#ifndef CLOAD_H
#define CLOAD_H

// The Linux headers bench-load needs that Swift's Glibc module does not export. No logic.

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/timerfd.h>

static inline int cl_errno(void) { return errno; }

static const uint32_t CL_EPOLLIN = EPOLLIN;
static const int CL_EPOLL_CLOEXEC = EPOLL_CLOEXEC;
static const int CL_TFD_NONBLOCK = TFD_NONBLOCK;
static const int CL_TFD_CLOEXEC = TFD_CLOEXEC;
static const int CL_TFD_TIMER_ABSTIME = TFD_TIMER_ABSTIME;

/// epoll_event is packed on x86_64: read and written only here.
static inline uint64_t cl_epoll_event_data(const struct epoll_event *e) { return e->data.u64; }
static inline size_t cl_epoll_event_size(void) { return sizeof(struct epoll_event); }
static inline int cl_epoll_add(int epfd, int fd, uint64_t data) {
    struct epoll_event ev;
    ev.events = EPOLLIN;
    ev.data.u64 = data;
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

/// Arms `fd` to fire once at `nanoseconds` of CLOCK_MONOTONIC.
static inline int cl_timerfd_at(int fd, uint64_t nanoseconds) {
    struct itimerspec spec = {{0, 0}, {(time_t)(nanoseconds / 1000000000u), (long)(nanoseconds % 1000000000u)}};
    return timerfd_settime(fd, TFD_TIMER_ABSTIME, &spec, 0);
}

/// A timed wait's slack (50 µs by default) would make every send late by up to that much.
static inline int cl_set_timer_slack(unsigned long nanoseconds) { return prctl(PR_SET_TIMERSLACK, nanoseconds, 0, 0, 0); }

#endif
