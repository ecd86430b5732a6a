"""A local stand-in for Pegasus on HTCondor with condorio, for the tests: runs the jobs of a
generated workflow in dependency order, each in its own empty folder that holds only the
job's staged inputs (hard links or copies of its declared input files, flat, by their
logical names), then collects the job's declared outputs into a staging folder, from which
later jobs' inputs come, as HTCondor's file transfer and the submit host do.

    run_dag.py FOLDER WORK [--stop_at_checkpoint JOB_ID]... [--target JOB_ID]

FOLDER is the generator's output (workflow.yml and the catalogs); WORK gets
    staging/        every job output and the checkpoint files, by logical name
    outputs/        the outputs that Pegasus would stage out to the output site
    jobs/ID.N/      the job's directory of attempt N, with its stdout and stderr beside it
    dag_run.json    one record per attempt: job, attempt, exit status, seconds

Wall time, as pegasus-kickstart enforces it: a job with the profile checkpoint.time gets
SIGTERM after that many minutes and SIGKILL at maxwalltime. --stop_at_checkpoint JOB_ID
brings the wall time of JOB_ID's first attempt forward to the moment its checkpoint file
first appears, so that a test can stop a job in the middle of its work (the option may be
repeated). --target JOB_ID runs only that job and its ancestors. Whatever the exit
status, the checkpoint files that exist are staged back (HTCondor's ON_EXIT_OR_EVICT), and
the next attempt gets them among its inputs. A failed attempt (any non-zero status, 3
included) is retried while the job's dagman RETRY allows; a missing declared output fails
the attempt. Exit status: 0 when every job succeeded, 1 otherwise.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pegasus_dag  # noqa: E402


def place(source, target):
    """Hard-links @p source to @p target, or copies it across file systems."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


class Executor:
    def __init__(self, dag, work, stop_at_checkpoint):
        self.dag = dag
        self.work = Path(work)
        self.stop_at_checkpoint = stop_at_checkpoint
        self.staging = self.work / "staging"
        self.records = []

    def source_of(self, lfn):
        staged = self.staging / lfn
        if staged.exists():
            return staged
        if lfn in self.dag.replicas:
            return Path(self.dag.replicas[lfn])
        raise RuntimeError(f"input {lfn} is neither staged nor in the replica catalog")

    def stage_in(self, job, folder):
        folder.mkdir(parents=True)
        for lfn in job.inputs:
            place(self.source_of(lfn), folder / lfn)
        for lfn in job.checkpoints:
            if (self.staging / lfn).exists():
                shutil.copy2(self.staging / lfn, folder / lfn)

    def stage_out(self, job, folder, succeeded):
        """The checkpoints that exist, always; the outputs after success (False if one is
        missing)."""
        for lfn in job.checkpoints:
            if (folder / lfn).exists():
                shutil.copy2(folder / lfn, self.staging / lfn)
        if not succeeded:
            return False
        missing = [lfn for lfn in job.outputs if not (folder / lfn).is_file()]
        if missing:
            print(f"run_dag: {job.id}: declared outputs missing: {', '.join(missing)}")
            return False
        for lfn in job.outputs:
            place(folder / lfn, self.staging / lfn)
            if lfn in job.stage_out:
                place(folder / lfn, self.work / "outputs" / lfn)
        return True

    def wall_times(self, job, attempt):
        """(seconds to SIGTERM or None, seconds to SIGKILL or None, stop at checkpoint)."""
        term = job.profile("pegasus", "checkpoint.time")
        kill = job.profile("pegasus", "maxwalltime")
        early = attempt == 0 and job.id in self.stop_at_checkpoint
        return (term * 60 if term else None, kill * 60 if kill else None, early)

    def execute(self, job, folder, attempt):
        """Runs the job's program in @p folder; returns (exit status, seconds)."""
        command = [self.dag.transformations[job.name], *job.arguments]
        term_after, kill_after, early = self.wall_times(job, attempt)
        start = time.monotonic()
        with open(f"{folder}.out", "w") as out, open(f"{folder}.err", "w") as err:
            process = subprocess.Popen(command, cwd=folder, stdout=out, stderr=err)
            termed = False
            while process.poll() is None:
                elapsed = time.monotonic() - start
                at_checkpoint = early and any((folder / c).exists() for c in job.checkpoints)
                if not termed and (at_checkpoint or (term_after and elapsed > term_after)):
                    process.send_signal(signal.SIGTERM)
                    termed = True
                if kill_after and elapsed > kill_after:
                    process.kill()
                time.sleep(0.02)
        return process.returncode, time.monotonic() - start

    def run_job(self, job):
        retries = int(job.profile("dagman", "RETRY", 0))
        for attempt in range(retries + 1):
            folder = self.work / "jobs" / f"{job.id}.{attempt}"
            self.stage_in(job, folder)
            status, seconds = self.execute(job, folder, attempt)
            ok = self.stage_out(job, folder, status == 0)
            self.records.append({"job": job.id, "attempt": attempt, "exit": status,
                                 "seconds": round(seconds, 2), "ok": ok})
            print(f"run_dag: {job.id} attempt {attempt}: exit {status}, {seconds:.1f} s")
            if ok:
                return True
        return False

    def run(self, target=""):
        for folder in (self.staging, self.work / "outputs"):
            folder.mkdir(parents=True, exist_ok=True)
        wanted = self.dag.ancestors(target) | {target} if target else set(self.dag.jobs)
        ok = True
        for job_id in (j for j in self.dag.order() if j in wanted):
            if not self.run_job(self.dag.jobs[job_id]):
                print(f"run_dag: {job_id} failed after its retries")
                ok = False
                break
        (self.work / "dag_run.json").write_text(json.dumps(self.records, indent=1))
        return ok


def main():
    p = argparse.ArgumentParser()
    p.add_argument("folder")
    p.add_argument("work")
    p.add_argument("--stop_at_checkpoint", action="append", default=[])
    p.add_argument("--target", default="")
    args = p.parse_args()
    dag = pegasus_dag.load(args.folder)
    problems = pegasus_dag.problems(dag)
    if problems:
        print("run_dag: the workflow is malformed:\n  " + "\n  ".join(problems))
        return 1
    if Path(args.work).exists():
        shutil.rmtree(args.work)
    if args.target and args.target not in dag.jobs:
        print(f"run_dag: no job {args.target}")
        return 2
    return 0 if Executor(dag, args.work, args.stop_at_checkpoint).run(args.target) else 1


if __name__ == "__main__":
    sys.exit(main())
