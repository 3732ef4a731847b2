#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Live-wire tests: `twinos run -i TAP` against real Linux peers (chapter 3).

    live_wire_test.py TWINOS FIG6_SERVER CASE

Each case makes its own network namespace with a TAP device in it, gives the
TAP's host side 10.0.2.2/24 (the only address used), runs the twin machine
on the TAP and talks to it from the namespace with real tools: ping, the
shipped Fig. 6 server, tcpdump on the TAP recording what the host saw. The
monitor's capture must hold exactly the frames tcpdump recorded, in each
direction, byte for byte (timestamps may differ).

Live-wire tests wait on real time, always with bounded timeouts. Where the
machine cannot make namespaces or TAP devices, the case exits 77 (a skip,
as ctest is told) and says why -- never a pass.
"""
import os
import signal
import struct
import subprocess
import sys
import tempfile
import time

SKIP = 77
HOST_IP = "10.0.2.2"
MACHINE_IP = "10.0.2.15"
TAP = "tap0"


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


# --- pcap files, read here without libpcap: the test trusts neither side --


def read_pcap(path):
    """The frames of a pcap file: [(bytes, original length)]; a file that
    is cut short or not pcap fails the test."""
    with open(path, "rb") as f:
        data = f.read()
    check(len(data) >= 24, f"{path}: {len(data)} bytes, shorter than a pcap header")
    magic = struct.unpack("<I", data[:4])[0]
    check(magic in (0xA1B2C3D4, 0xA1B23C4D), f"{path}: not a little-endian pcap (magic {magic:#x})")
    frames, at = [], 24
    while at < len(data):
        check(at + 16 <= len(data), f"{path}: record header cut short at offset {at}")
        _, _, caplen, length = struct.unpack("<IIII", data[at:at + 16])
        check(at + 16 + caplen <= len(data), f"{path}: record at offset {at} cut short")
        frames.append((data[at + 16:at + 16 + caplen], length))
        at += 16 + caplen
    return frames


def by_direction(frames, host_mac):
    """(host -> machine, machine -> host): split by the Ethernet source."""
    to_machine = [f for f, _ in frames if f[6:12] == host_mac]
    from_machine = [f for f, _ in frames if f[6:12] != host_mac]
    return to_machine, from_machine


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"frame {i} differs ({len(x)} vs {len(y)} bytes)"
    if len(a) != len(b):
        return f"{len(a)} frames vs {len(b)}"
    return None


def assert_same_as_tcpdump(monitor_pcap, tcpdump_pcap, host_mac):
    mine = read_pcap(monitor_pcap)
    seen = read_pcap(tcpdump_pcap)
    check(len(seen) > 0, "tcpdump on the TAP recorded nothing")
    for name, a, b in zip(("host -> machine", "machine -> host"), by_direction(mine, host_mac),
                          by_direction(seen, host_mac)):
        check(len(b) > 0, f"{name}: tcpdump saw no frames in this direction")
        diff = first_difference(a, b)
        check(diff is None, f"{name}: the monitor's capture is not what tcpdump saw: {diff}")
        # The comparison itself must be able to fail: one frame fewer is noticed.
        check(first_difference(a[:-1], b) is not None, "the comparison cannot tell frames apart")
    return mine, seen


def ethertypes(frames):
    return {f[12:14] for f, _ in frames}


# --- the namespace -----------------------------------------------------------


class Namespace:
    def __init__(self, case):
        self.name = f"twinos-live-{case}-{os.getpid()}"
        self.work = tempfile.mkdtemp(prefix="twinos-live-")
        self.procs = []

    def __enter__(self):
        if os.geteuid() != 0:
            print(f"SKIP: not root: network namespaces and TAP devices need root or "
                  f"CAP_NET_ADMIN")
            sys.exit(SKIP)
        if not os.path.exists("/dev/net/tun"):
            print("SKIP: no /dev/net/tun: this kernel has no TUN/TAP driver")
            sys.exit(SKIP)
        made = subprocess.run(["ip", "netns", "add", self.name], capture_output=True, text=True)
        if made.returncode != 0:
            print(f"SKIP: cannot create a network namespace: {made.stderr.strip()}")
            sys.exit(SKIP)
        tap = self.run_ok(["ip", "tuntap", "add", "dev", TAP, "mode", "tap"], may_fail=True)
        if tap.returncode != 0:
            self.__exit__()
            print(f"SKIP: cannot create a TAP device in a namespace: {tap.stderr.strip()}")
            sys.exit(SKIP)
        for command in (["ip", "link", "set", "lo", "up"],
                        ["ip", "addr", "add", f"{HOST_IP}/24", "dev", TAP],
                        # Room in the host's queue for bursts while the
                        # machine (slower under the sanitizers) catches up.
                        ["ip", "link", "set", TAP, "txqueuelen", "10000"],
                        ["ip", "link", "set", TAP, "up"]):
            self.run_ok(command)
        # No IPv6 on this wire: router solicitations and MLD reports are
        # multicast, which the card (not promiscuous) rightly does not take.
        for key in ("all", "default", TAP):
            self.run_ok(["sysctl", "-qw", f"net.ipv6.conf.{key}.disable_ipv6=1"], may_fail=True)
        mac = self.run_ok(["cat", f"/sys/class/net/{TAP}/address"]).stdout.strip()
        self.host_mac = bytes(int(x, 16) for x in mac.split(":"))
        return self

    def __exit__(self, *exc):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True)
        if os.environ.get("TWINOS_LIVE_KEEP"):
            print(f"kept {self.work}")

    def command(self, argv):
        return ["ip", "netns", "exec", self.name] + argv

    def run_ok(self, argv, may_fail=False, timeout=60):
        r = subprocess.run(self.command(argv), capture_output=True, text=True, timeout=timeout)
        if not may_fail and r.returncode != 0:
            raise Failure(f"{' '.join(argv)}: exit {r.returncode}: {r.stderr.strip()}")
        return r

    def start(self, argv, **kw):
        p = subprocess.Popen(self.command(argv), **kw)
        self.procs.append(p)
        return p

    def path(self, name):
        return os.path.join(self.work, name)

    def tcpdump(self, name):
        """tcpdump on the TAP, ready when this returns."""
        err = open(self.path(name + ".err"), "w+")
        # A large buffer: the server's bursts must not overrun tcpdump itself.
        p = self.start(["tcpdump", "-i", TAP, "--immediate-mode", "-B", "32768", "-U", "-w",
                        self.path(name)],
                       stderr=err, stdout=subprocess.DEVNULL)
        p.err_path = err.name
        wait_for(lambda: "listening on" in open(err.name).read(), 10, "tcpdump to listen")
        return p

    def twinos(self, twinos, args, name="monitor.pcap", stdout=None):
        out = open(self.path(name + ".out"), "w") if stdout is None else stdout
        err = open(self.path(name + ".err"), "w")
        p = self.start([twinos, "run", "-i", TAP] + args, stdout=out, stderr=err)
        # Attached: the TAP has a carrier only while a process holds it.
        carrier = f"/sys/class/net/{TAP}/carrier"
        wait_for(lambda: p.poll() is not None or
                 self.run_ok(["cat", carrier], may_fail=True).stdout.strip() == "1",
                 10, "twinos to attach to the TAP")
        check(p.poll() is None, f"twinos ended at once: {open(err.name).read()}")
        return p


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise Failure(f"timed out after {seconds} s waiting for {what}")


def finish(p, seconds, what):
    try:
        return p.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        p.kill()
        raise Failure(f"{what} did not end within {seconds} s")


def stop_tcpdump(p, path):
    # tcpdump stops at SIGINT with what it has not written yet still in its
    # buffer: wait until the file has stopped growing first.
    last, steady = -1, 0
    deadline = time.monotonic() + 15
    while steady < 15 and time.monotonic() < deadline:
        size = os.path.getsize(path) if os.path.exists(path) else 0
        steady = steady + 1 if size == last else 0
        last = size
        time.sleep(0.02)
    p.send_signal(signal.SIGINT)
    finish(p, 10, "tcpdump")
    # The reference must be whole: a frame tcpdump lost is not the monitor's fault.
    said = open(p.err_path).read()
    counts = {}
    for line in said.splitlines():
        words = line.split(" ", 1)
        if len(words) == 2 and words[0].isdigit():
            counts[words[1]] = int(words[0])
    received = counts.get("packets received by filter")
    check(received is not None and counts.get("packets captured") == received and
          counts.get("packets dropped by kernel") == 0,
          f"tcpdump did not record every frame, so it is no reference:\n{said}")


def summary(ns, name):
    def text(path):
        return open(path).read() if os.path.exists(path) else ""
    return text(ns.path(name + ".out")), text(ns.path(name + ".err"))


def field(text, line_start, key):
    for line in text.splitlines():
        if line.startswith(line_start):
            for word in line.split():
                if word.startswith(key + "="):
                    return word.split("=", 1)[1]
    raise Failure(f"no {key}= on a '{line_start}' line in:\n{text}")


# --- the cases ---------------------------------------------------------------


def ping(ns, count, size):
    r = ns.run_ok(["ping", "-c", str(count), "-i", "0.01", "-W", "2", "-s", str(size),
                   MACHINE_IP], may_fail=True, timeout=30)
    check(f"{count} packets transmitted, {count} received" in r.stdout,
          f"ping -s {size}: not every request answered:\n{r.stdout}{r.stderr}")


def case_ping(twinos, server, original=False):
    """50 pings of mixed sizes: every one answered, the capture is tcpdump's."""
    with Namespace("ping" + ("-orig" if original else "")) as ns:
        dump = ns.tcpdump("tcpdump.pcap")
        extra = ["--original"] if original else []
        p = ns.twinos(twinos, extra + ["--duration", "6s", "-w", ns.path("monitor.pcap")])
        for size in (16, 56, 200, 1000, 1472):
            ping(ns, 10, size)
        check(finish(p, 20, "twinos") == 0, f"twinos failed: {summary(ns, 'monitor.pcap')[1]}")
        stop_tcpdump(dump, ns.path("tcpdump.pcap"))
        out, _ = summary(ns, "monitor.pcap")
        check(field(out, "answers", "echo") == "50", f"not 50 echo replies:\n{out}")
        check(int(field(out, "answers", "arp")) >= 1, f"no ARP request answered:\n{out}")
        if original:
            # Nothing is monitored: the wire's own account must still add up.
            seen = read_pcap(ns.path("tcpdump.pcap"))
            to_machine, _ = by_direction(seen, ns.host_mac)
            check(field(out, "live", "in") == str(len(to_machine)),
                  f"the wire took {field(out, 'live', 'in')} frames, tcpdump saw "
                  f"{len(to_machine)} sent")
            return
        mine, _ = assert_same_as_tcpdump(ns.path("monitor.pcap"), ns.path("tcpdump.pcap"),
                                         ns.host_mac)
        check(b"\x08\x06" in ethertypes(mine), "no ARP frame in the capture")
        check(len(mine) >= 100, f"only {len(mine)} frames captured")


def case_original(twinos, server):
    case_ping(twinos, server, original=True)


def case_fig6(twinos, server):
    """The Fig. 6 client against the shipped server: every reply verified."""
    with Namespace("fig6") as ns:
        srv_out = open(ns.path("server.out"), "w")
        srv = ns.start([sys.executable, server, "--bind", f"{HOST_IP}:7007", "--once"],
                       stdout=srv_out, stderr=subprocess.STDOUT)
        wait_for(lambda: "listening" in open(srv_out.name).read(), 10, "the server to listen")
        dump = ns.tcpdump("tcpdump.pcap")
        p = ns.twinos(twinos, ["--server", f"{HOST_IP}:7007", "-c", "2000", "--sizes",
                               "53,64,300,1514", "--duration", "30s", "-w",
                               ns.path("monitor.pcap")])
        check(finish(p, 40, "twinos") == 0, f"twinos failed: {summary(ns, 'monitor.pcap')[1]}")
        finish(srv, 10, "the server")
        stop_tcpdump(dump, ns.path("tcpdump.pcap"))
        out, _ = summary(ns, "monitor.pcap")
        check("client  requested=2000 received=2000 corrupt=0 out_of_order=0" in out,
              f"the client did not verify every reply:\n{out}")
        check(int(field(out, "answers", "arp_asked")) == 1, "the client did not ask ARP first")
        mine, _ = assert_same_as_tcpdump(ns.path("monitor.pcap"), ns.path("tcpdump.pcap"),
                                         ns.host_mac)
        check(b"\x08\x06" in ethertypes(mine), "no ARP frame in the capture")
        check(len(mine) >= 2002, f"only {len(mine)} frames captured")


def case_sigint(twinos, server):
    """Ctrl-C during traffic: exit 0 and a whole, readable file."""
    with Namespace("sigint") as ns:
        p = ns.twinos(twinos, ["-w", ns.path("monitor.pcap")])
        flood = ns.start(["ping", "-i", "0.002", "-c", "2000", "-s", "500", MACHINE_IP],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)  # in the middle of the traffic
        p.send_signal(signal.SIGINT)
        check(finish(p, 10, "twinos after SIGINT") == 0,
              f"twinos after SIGINT: {summary(ns, 'monitor.pcap')[1]}")
        flood.kill()
        out, err = summary(ns, "monitor.pcap")
        frames = read_pcap(ns.path("monitor.pcap"))
        check(len(frames) > 10, f"only {len(frames)} frames before the interrupt")
        check(f"{len(frames)} packets captured" in err, f"the count said is not the file's:\n{err}")
        r = subprocess.run(["tcpdump", "-r", ns.path("monitor.pcap"), "-c", "1000000"],
                           capture_output=True, text=True)
        check(r.returncode == 0 and "truncated" not in r.stderr, f"tcpdump -r: {r.stderr}")


def case_vanish(twinos, server):
    """The TAP device deleted mid-run: a named error, exit 1, a valid file."""
    with Namespace("vanish") as ns:
        p = ns.twinos(twinos, ["--duration", "20s", "-w", ns.path("monitor.pcap")])
        ping(ns, 5, 100)
        ns.run_ok(["ip", "link", "del", TAP])
        check(finish(p, 10, "twinos after the device went") == 1, "exit status is not 1")
        _, err = summary(ns, "monitor.pcap")
        check(f"TAP device '{TAP}'" in err and "gone" in err, f"the error does not say so:\n{err}")
        frames = read_pcap(ns.path("monitor.pcap"))
        check(len(frames) >= 10, f"the frames before the loss are not in the file ({len(frames)})")


def case_formats(twinos, server):
    """pcapng, text and -w - on a live wire hold what tcpdump saw."""
    with Namespace("formats") as ns:
        for name, args in (("capture.pcapng", ["-w", ns.path("capture.pcapng")]),
                           ("stdout.pcap", ["-w", "-"]),
                           ("capture.txt", ["-w", ns.path("capture.txt")])):
            dump = ns.tcpdump(name + ".tcpdump")
            stdout = open(ns.path(name), "wb") if name == "stdout.pcap" else None
            p = ns.twinos(twinos, ["--duration", "2s"] + args, name=name, stdout=stdout)
            ping(ns, 5, 300)
            check(finish(p, 20, "twinos") == 0, f"{name}: {summary(ns, name)[1]}")
            stop_tcpdump(dump, ns.path(name + ".tcpdump"))
            seen = read_pcap(ns.path(name + ".tcpdump"))
            if name.endswith(".txt"):
                lines = [l for l in open(ns.path(name)) if l.strip() and not l.startswith("#")]
                check(len(lines) == len(seen), f"text: {len(lines)} lines for {len(seen)} frames")
                continue
            path = ns.path(name)
            if name.endswith(".pcapng"):
                path = ns.path("converted.pcap")
                r = subprocess.run(["tcpdump", "-r", ns.path(name), "-w", path],
                                   capture_output=True, text=True)
                check(r.returncode == 0, f"tcpdump cannot read the pcapng: {r.stderr}")
            assert_same_as_tcpdump(path, ns.path(name + ".tcpdump"), ns.host_mac)


def case_errors(twinos, server):
    """No such device, and a device that is not a TAP: named, exit 2, no file."""
    with Namespace("errors") as ns:
        out = ns.path("never.pcap")
        r = ns.run_ok([twinos, "run", "-i", "tapnone", "-w", out], may_fail=True)
        check(r.returncode == 2 and "no such TAP device 'tapnone'" in r.stderr and
              "ip tuntap add" in r.stderr, f"missing device: exit {r.returncode}: {r.stderr}")
        r = ns.run_ok([twinos, "run", "-i", "lo", "-w", out], may_fail=True)
        check(r.returncode == 2 and "not a TAP device" in r.stderr,
              f"lo: exit {r.returncode}: {r.stderr}")
        check(not os.path.exists(out), "a file was created for a run that never started")


def case_flood(twinos, server):
    """A host sending faster than the link: every frame is accounted for --
    on the wire, or dropped by the host's kernel and said so."""
    with Namespace("flood") as ns:
        p = ns.twinos(twinos, ["--duration", "3s", "-w", ns.path("monitor.pcap")])
        # Resolve the machine's address first: datagrams waiting for ARP are
        # dropped by the host's neighbour table, where no counter of the TAP sees them.
        ping(ns, 1, 56)
        blast = ns.run_ok([sys.executable, "-c", """
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sent, end = 0, time.monotonic() + 0.7
while time.monotonic() < end:
    try:
        s.sendto(b"x" * 1400, ("%s", 9))
        sent += 1
    except OSError:
        pass
print(sent)
""" % MACHINE_IP])
        sent = int(blast.stdout.strip())
        check(finish(p, 20, "twinos") == 0, f"twinos failed: {summary(ns, 'monitor.pcap')[1]}")
        out, err = summary(ns, "monitor.pcap")
        taken = int(field(out, "live", "in"))
        dropped = int(field(out, "live", "host_dropped"))
        left = int(field(out, "live", "left"))
        qdisc = ns.run_ok(["tc", "-s", "qdisc", "show", "dev", TAP], may_fail=True).stdout
        queued_away = sum(int(w.split()[0].rstrip(",")) for w in qdisc.split("dropped ")[1:])
        check(dropped > 0, f"the blast did not outrun the link (sent {sent}):\n{out}")
        # The host's ARP request and one ping, then the datagrams.
        check(taken + dropped + left + queued_away == sent + 2,
              f"{sent} datagrams + ARP + ping sent, {taken} taken + {dropped} dropped by the host "
              f"+ {left} left in its queue + {queued_away} dropped by its qdisc:\n{out}")
        check(f"{dropped} frames lost at host -> wire" in err, f"no warning names the loss:\n{err}")
        check(f"{dropped} packets dropped by interface" in err, f"tcpdump's line:\n{err}")
        check(len(read_pcap(ns.path("monitor.pcap"))) == taken + 2,  # and our two replies
              "the capture does not hold every frame the wire carried")


def case_permission(twinos, server):
    """Without CAP_NET_ADMIN: a device owned by another user, or creating one,
    is refused naming what is needed; nothing is created."""
    with Namespace("permission") as ns:
        ns.run_ok(["ip", "tuntap", "add", "dev", "tapown", "mode", "tap", "user", "4242"])
        out = ns.path("never.pcap")
        without = ["setpriv", "--bounding-set=-net_admin"]
        probe = ns.run_ok(without + ["true"], may_fail=True)
        if probe.returncode != 0:
            print(f"SKIP: cannot drop CAP_NET_ADMIN with setpriv: {probe.stderr.strip()}")
            sys.exit(SKIP)
        for args in (["-i", "tapown"], ["-i", "tapnew", "--create-tap"]):
            r = ns.run_ok(without + [twinos, "run"] + args + ["-w", out], may_fail=True)
            check(r.returncode == 2 and "CAP_NET_ADMIN" in r.stderr and args[1] in r.stderr,
                  f"{args}: exit {r.returncode}: {r.stderr}")
        check(not os.path.exists(out), "a file was created for a run that never started")


def case_create(twinos, server):
    """--create-tap makes the device for the run, up; it goes with the run."""
    with Namespace("create") as ns:
        ns.run_ok(["ip", "link", "del", TAP])  # the subnet is the new device's alone
        p = ns.start([twinos, "run", "-i", "tapmade", "--create-tap", "--duration", "3s", "-w",
                      ns.path("monitor.pcap")], stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)
        wait_for(lambda: ns.run_ok(["cat", "/sys/class/net/tapmade/carrier"],
                                   may_fail=True).stdout.strip() == "1", 10, "the new device")
        ns.run_ok(["ip", "addr", "add", "10.0.2.3/24", "dev", "tapmade"])
        r = ns.run_ok(["ping", "-c", "3", "-i", "0.05", "-W", "2", MACHINE_IP], may_fail=True)
        check("3 received" in r.stdout, f"ping through the created device:\n{r.stdout}")
        check(finish(p, 20, "twinos") == 0, "twinos failed")
        gone = ns.run_ok(["ip", "link", "show", "tapmade"], may_fail=True)
        check(gone.returncode != 0, "the created device outlived the run")
        check(len(read_pcap(ns.path("monitor.pcap"))) >= 6, "the pings are not in the capture")


def case_idle(twinos, server):
    """Waiting is sleeping: two idle seconds of a live run cost little CPU.
    (A loop that spins on the clock instead of ppoll uses all of them.)"""
    with Namespace("idle") as ns:
        p = ns.twinos(twinos, ["--duration", "2s", "-w", ns.path("monitor.pcap")])
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        check(p.returncode == 0, f"twinos failed: {summary(ns, 'monitor.pcap')[1]}")
        cpu = usage.ru_utime + usage.ru_stime
        check(cpu < 0.5, f"{cpu:.2f} s of CPU for 2 s of an idle wire: it does not sleep")
        out, _ = summary(ns, "monitor.pcap")
        check(int(field(out, "live", "ran_ms")) >= 2000, f"the run did not last 2 s:\n{out}")


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}


def main():
    twinos, server, case = sys.argv[1:4]
    try:
        CASES[case](twinos, server)
    except Failure as e:
        print(f"FAIL live.{case}: {e}")
        return 1
    print(f"ok live.{case}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
