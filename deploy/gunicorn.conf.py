"""gunicorn for the portal, as `make serve` and the systemd unit run it (docs/deployment.md).
Every value can be changed by an environment variable without editing this file."""

from __future__ import annotations

import math
import os

# 127.0.0.1 only: the reverse proxy in front (deploy/caddy) is what the network reaches.
bind = os.environ.get("DTI_BIND", "127.0.0.1:8000")
# One worker a core the server may use, of 2 threads each: threads wait on the database and
# the disk while another runs. More workers than cores only take turns on them: on 2 cores,
# deadline day's saves with 4 workers waited a fifth longer than with 2 and went through a
# tenth slower, the public pages the same with 2 or 3 (docs/decisions.md, 26). Each worker is
# a process with its own memory.
# gunicorn's threaded worker, taking a new connection only while one of its threads is free
# (portal.server_worker): a request no thread can serve now waits in the kernel's queue, which
# all the workers share, in arrival order, instead of behind the requests of one worker.
worker_class = "portal.server_worker.FreeThreadWorker"
CPU_QUOTA = "/sys/fs/cgroup/cpu.max"  # cgroup v2: "<quota> <period>", or "max <period>"


def cores() -> int:
    """The cores the server may use: those it may run on (its CPU affinity: a cpuset, systemd's
    CPUAffinity), fewer where its control group's quota allows less time than that (a
    container's --cpus, a pod's limit, systemd's CPUQuota): a quota of 2 CPUs on a host of
    64 cores is 2 workers, not 64."""
    allowed = len(os.sched_getaffinity(0))
    try:
        with open(CPU_QUOTA, encoding="ascii") as quota_file:
            quota, period = quota_file.read().split()[:2]
        return max(1, min(allowed, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError, ZeroDivisionError):  # no cgroup v2 here, or no quota ("max")
        return allowed


workers = int(os.environ.get("DTI_WORKERS") or cores())
threads = int(os.environ.get("DTI_THREADS", "2"))
# A worker whose own loop has not reported for this long (a process stuck) is killed and
# replaced. With threads, gunicorn does not stop one long request: its thread stays taken
# until it ends (long work, reports and exports, runs in the task worker: docs/tasks.md).
timeout = int(os.environ.get("DTI_REQUEST_TIMEOUT", "120"))
graceful_timeout = 30  # a restart lets requests in flight finish
# Each request is a connection of its own, taken by whichever worker has a thread free: Caddy in
# front keeps the browser's connection open and opens one to gunicorn, on this machine, per
# request. A kept-alive connection would stay with the worker that took it first, busy or not.
keepalive = 0
# A worker is replaced after this many requests (with jitter, so not all at once): memory a
# long-lived process might accumulate is given back. Rarely: a worker's memory stays flat
# (137 MB from its 1,500th save of 80 answers to its 6,000th), and a new one takes about a
# second of a core to load the portal while its threads serve nothing. At 2,000, deadline
# day's saves replaced each worker about every half a minute (docs/decisions.md, "A worker
# lives long").
max_requests = 20000
max_requests_jitter = 2000
# Logs on standard error for the journal: the access log names each request's id, the same
# id as the portal's own log lines and the response's X-Request-ID header.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms id=%({x-request-id}o)s'
# The heartbeat file of each worker in memory, not on a disk that may stall (gunicorn's
# advice; it opens its own unlinked files there).
SHARED_MEMORY = "/dev/shm"  # noqa: S108  (gunicorn's heartbeat files, unlinked at once)
worker_tmp_dir = SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) else None
# The proxy on this machine may say the request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = "127.0.0.1,::1"
