"""A real one-node SLURM cluster for the cluster test: Debian's slurmctld, slurmd and munge.

There is no systemd here, so the daemons are started by hand in the foreground, each as a
child process whose PID is kept, with every file they write (config, key, socket, state,
logs) under one scratch directory. Nothing under /etc is read or changed: munged gets its
own key and socket, and clients find the config through SLURM_CONF. stop() ends exactly
the processes start() started.

One exception: /etc/slurm/slurm.conf. Inside a job the jobstep plugin starts `srun` with
every SLURM_* variable but a few removed, SLURM_CONF included, so srun reads the config only
from its compiled-in path, as on a real cluster. While the cluster runs, that path is a
symlink to the scratch config; it is made only where no slurm.conf exists (a machine with a
SLURM of its own is not touched: the test is skipped) and removed by stop().
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

PACKAGES = ("slurmctld", "slurmd", "slurm-client", "munge")
DAEMONS = ("munged", "slurmctld", "slurmd")
CLIENTS = ("sbatch", "squeue", "sinfo", "scontrol", "scancel")
PARTITION = "peermentor"
SYSTEM_CONF = Path("/etc/slurm/slurm.conf")
SCRATCH_PREFIX = "pm-slurm-"
# Debian's PATH for root has these, a CI job's PATH may not.
SBIN_DIRS = ("/usr/sbin", "/sbin", "/usr/bin", "/bin")


class SlurmUnavailable(Exception):
    """SLURM is absent and this machine cannot install it (no apt-get, or not root)."""


def find(program: str) -> str | None:
    found = shutil.which(program)
    if found:
        return found
    for directory in SBIN_DIRS:
        candidate = Path(directory) / program
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def missing_programs() -> list[str]:
    return [p for p in (*DAEMONS, *CLIENTS) if find(p) is None]


def ensure_installed(timeout: float = 420) -> str:
    """Install Debian's SLURM and munge packages if any program is missing.

    Returns what was done, for the test's log. Raises SlurmUnavailable where installing is
    impossible (the test is then skipped), RuntimeError where apt-get itself failed (a real
    failure: this machine should be able to install them).
    """
    missing = missing_programs()
    if not missing:
        return "SLURM and munge already installed"
    if os.geteuid() != 0:
        raise SlurmUnavailable(
            f"{', '.join(missing)} not installed and this user is not root, "
            f"so cannot apt-get install {' '.join(PACKAGES)}"
        )
    apt_get = find("apt-get")
    if apt_get is None:
        raise SlurmUnavailable(
            f"{', '.join(missing)} not installed and there is no apt-get to install "
            f"{' '.join(PACKAGES)} (the cluster test expects Debian or Ubuntu)"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # Without systemd the packages' maintainer scripts would start the daemons with the
    # system config; Debian's policy-rc.d hook (exit 101) tells them not to. Added only
    # when the machine has none, and removed afterwards.
    policy = Path("/usr/sbin/policy-rc.d")
    added_policy = not policy.exists()
    if added_policy:
        policy.write_text("#!/bin/sh\n# peermentor cluster test: no service starts\nexit 101\n")
        policy.chmod(0o755)
    try:
        for command in (
            [apt_get, "update", "-qq"],
            [apt_get, "install", "-y", "-qq", "--no-install-recommends", *PACKAGES],
        ):
            result = subprocess.run(
                command, env=env, capture_output=True, text=True, timeout=timeout
            )
            if result.returncode != 0:
                raise RuntimeError(
                    f"{' '.join(command)} failed ({result.returncode}):\n"
                    f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
                )
    finally:
        if added_policy:
            policy.unlink()
    still_missing = missing_programs()
    if still_missing:
        raise RuntimeError(f"installed {PACKAGES} but {still_missing} still not found")
    return f"installed {' '.join(PACKAGES)} with apt-get"


def system_conf_in_use() -> str | None:
    """Why /etc/slurm/slurm.conf cannot be pointed at the test cluster, or None if it can."""
    if not os.path.lexists(SYSTEM_CONF):
        return None
    if SYSTEM_CONF.is_symlink() and Path(os.readlink(SYSTEM_CONF)).parent.name.startswith(
        SCRATCH_PREFIX
    ):
        return None  # left by an earlier test run that was killed: ours to replace
    return f"{SYSTEM_CONF} exists: this machine has a SLURM of its own, which the test leaves alone"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine_size() -> tuple[int, int]:
    """CPUs and memory (MB) as slurmd measures them; a node configured larger is drained."""
    out = subprocess.run(
        [find("slurmd"), "-C"], capture_output=True, text=True, timeout=30, check=True
    ).stdout
    fields = dict(item.split("=", 1) for item in out.split() if "=" in item)
    return int(fields["CPUs"]), int(fields["RealMemory"])


class MiniCluster:
    """One node (this machine, named `hostname -s`) in one partition, PARTITION."""

    def __init__(self, root: Path, min_job_age: int = 300):
        self.root = Path(root)
        self.host = socket.gethostname().split(".")[0]
        self.cpus, self.memory_mb = machine_size()
        self.min_job_age = min_job_age
        self.conf = self.root / "slurm.conf"
        self.logs = self.root / "log"
        self.munge_socket = self.root / "munge" / "munge.socket"
        self.processes: dict[str, subprocess.Popen] = {}

    @property
    def env(self) -> dict[str, str]:
        """Environment for SLURM clients (sbatch, squeue ...) talking to this cluster."""
        return {**os.environ, "SLURM_CONF": str(self.conf)}

    def write_config(self) -> None:
        for sub in ("state", "spool", "log", "munge"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        # munged refuses a key or socket directory that others can write or read.
        self.root.chmod(0o755)
        (self.root / "munge").chmod(0o700)
        key = self.root / "munge" / "munge.key"
        key.write_bytes(os.urandom(1024))
        key.chmod(0o400)
        ctld_port, slurmd_port = free_port(), free_port()
        r = self.root
        self.conf.write_text(
            f"""# Written by tests/cluster/minislurm.py for one test run.
ClusterName=peermentor-test
SlurmctldHost={self.host}(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket={self.munge_socket}
StateSaveLocation={r}/state
SlurmdSpoolDir={r}/spool
SlurmctldPidFile={r}/slurmctld.pid
SlurmdPidFile={r}/slurmd.pid
SlurmctldLogFile={self.logs}/slurmctld.log
SlurmdLogFile={self.logs}/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups without systemd: processes tracked through /proc, no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
# Cores and memory are consumable, so mem_mb is enforced at scheduling.
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
# A job asking for more than the partition or node has is rejected by sbatch at once
# instead of pending forever.
EnforcePartLimits=ALL
# No accounting database (slurmdbd): the executor asks squeue, which only knows a job
# for MinJobAge seconds after it ended.
MinJobAge={self.min_job_age}
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
# One line per finished job: the test's proof that jobs ran through SLURM.
JobCompType=jobcomp/filetxt
JobCompLoc={self.logs}/jobcomp.log
MpiDefault=none
# No mail server here; without a valid MailProg slurmctld logs an error at start.
MailProg=/bin/true
ReturnToService=2
NodeName={self.host} NodeAddr=127.0.0.1 CPUs={self.cpus} RealMemory={self.memory_mb} State=UNKNOWN
PartitionName={PARTITION} Nodes={self.host} Default=YES MaxTime=INFINITE State=UP
"""
        )

    def _spawn(self, name: str, command: list[str]) -> None:
        log = (self.logs / f"{name}.stdout").open("w")
        self.processes[name] = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=self.env,
            start_new_session=True,  # a Ctrl-C at the terminal reaches only pytest
        )  # fmt: skip

    def start(self, timeout: float = 60) -> None:
        in_use = system_conf_in_use()
        if in_use:
            raise SlurmUnavailable(in_use)
        self.write_config()
        SYSTEM_CONF.parent.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(SYSTEM_CONF):
            SYSTEM_CONF.unlink()
        SYSTEM_CONF.symlink_to(self.conf)
        m = self.root / "munge"
        self._spawn("munged", [
            find("munged"), "--foreground", "--force", f"--socket={self.munge_socket}",
            f"--key-file={m / 'munge.key'}", f"--pid-file={m / 'munged.pid'}",
            f"--log-file={self.logs / 'munged.log'}", f"--seed-file={m / 'munged.seed'}",
        ])  # fmt: skip
        self._wait(lambda: self.munge_socket.exists(), "munged socket", 20)
        # -i: ignore state left by an earlier run; there is none in a fresh directory.
        self._spawn("slurmctld", [find("slurmctld"), "-D", "-i", "-f", str(self.conf)])
        self._wait(self._controller_up, "slurmctld answering", timeout)
        self._spawn("slurmd", [find("slurmd"), "-D", "-f", str(self.conf)])
        self._wait(self._node_idle, f"node {self.host} idle in sinfo", timeout)

    def _wait(self, ready, what: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(
                        f"{name} exited ({process.returncode}) while waiting for {what}:\n"
                        + self.tail_logs()
                    )
            if ready():
                return
            time.sleep(0.5)
        message = f"timed out after {timeout:.0f} s waiting for {what}:\n"
        raise RuntimeError(message + self.tail_logs())

    def client(self, *args: str, timeout: float = 30) -> subprocess.CompletedProcess:
        return subprocess.run(
            [find(args[0]), *args[1:]], env=self.env, capture_output=True, text=True,
            timeout=timeout,
        )  # fmt: skip

    def _controller_up(self) -> bool:
        return self.client("scontrol", "ping").stdout.count("UP") >= 1

    def _node_idle(self) -> bool:
        out = self.client("sinfo", "--noheader", "--format=%t", f"--nodes={self.host}").stdout
        return out.strip() == "idle"

    def tail_logs(self, lines: int = 30) -> str:
        parts = []
        for path in sorted(self.logs.glob("*")):
            text = path.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {path.name} ---\n" + "\n".join(text))
        return "\n".join(parts)

    def stop(self) -> None:
        """Cancel this cluster's jobs, then end the daemons started here, by PID."""
        if "slurmctld" in self.processes and self.processes["slurmctld"].poll() is None:
            self.client("scancel", "--full", f"--partition={PARTITION}", "--user=root")
        for name in reversed(DAEMONS):
            process = self.processes.get(name)
            if process is None or process.poll() is not None:
                continue
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        self.processes.clear()
        if SYSTEM_CONF.is_symlink() and Path(os.readlink(SYSTEM_CONF)) == self.conf:
            SYSTEM_CONF.unlink()


def main(argv: list[str] | None = None) -> int:
    """Run one command against a throw-away one-node cluster, e.g. to try profiles/slurm:

    python tests/cluster/minislurm.py .venv/bin/snakemake --profile profiles/slurm \\
        --profile tests/cluster/profile
    """
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(description=main.__doc__.splitlines()[0])
    parser.add_argument("command", nargs=argparse.REMAINDER, help="command and its arguments")
    args = parser.parse_args(argv)
    if not args.command:
        parser.error("give a command to run")
    print(ensure_installed(), flush=True)
    cluster = MiniCluster(Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX)))
    try:
        cluster.start()
        print(f"SLURM up: node {cluster.host}, partition {PARTITION}, {cluster.root}", flush=True)
        return subprocess.run(args.command, env=cluster.env).returncode
    finally:
        cluster.stop()
        shutil.rmtree(cluster.root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
