"""The generated Pegasus workflow as the tests see it: workflow.yml, replicas.yml and
transformations.yml read back into plain Python, and the structural checks that Pegasus'
planner would also make (or that a run would reveal too late): no cycle, every job input is
in the replica catalog or an output of one of the job's ancestors, every output has exactly
one producer, every file named in a job's arguments is one of its files, every job's
program is in the transformation catalog, and the checkpointed jobs' profiles are sound.
"""

from dataclasses import dataclass, field
from pathlib import Path

import yaml


@dataclass
class DagJob:
    """One job of workflow.yml."""
    id: str
    name: str  # the transformation
    arguments: list
    inputs: list
    outputs: list  # lfns, checkpoints excluded
    stage_out: set  # the outputs that go to the output site
    checkpoints: list
    profiles: dict = field(default_factory=dict)

    def profile(self, namespace, key, default=None):
        return self.profiles.get(namespace, {}).get(key, default)


@dataclass
class Dag:
    """A generated workflow and its catalogs."""
    jobs: dict  # id -> DagJob, in workflow.yml's order
    children: dict  # id -> set of ids (jobDependencies)
    replicas: dict  # lfn -> pfn (site local)
    transformations: dict  # name -> pfn
    sites: dict  # name -> site entry of sites.yml

    def parents(self, job_id):
        return {p for p, kids in self.children.items() if job_id in kids}

    def producers(self):
        """lfn -> the ids of the jobs that declare it as an output."""
        made = {}
        for job in self.jobs.values():
            for lfn in job.outputs:
                made.setdefault(lfn, []).append(job.id)
        return made

    def order(self):
        """The job ids in dependency order (ties by workflow.yml's order).
        Raises ValueError naming the jobs left on a cycle."""
        waiting = {j: len(self.parents(j)) for j in self.jobs}
        ready = [j for j in self.jobs if waiting[j] == 0]
        done = []
        while ready:
            job_id = ready.pop(0)
            done.append(job_id)
            for child in sorted(self.children.get(job_id, ()), key=list(self.jobs).index):
                waiting[child] -= 1
                if waiting[child] == 0:
                    ready.append(child)
        if len(done) != len(self.jobs):
            raise ValueError("cycle among jobs " + ", ".join(sorted(set(self.jobs) - set(done))))
        return done

    def ancestors(self, job_id):
        seen, todo = set(), [job_id]
        while todo:
            for parent in self.parents(todo.pop()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen


def _read(path):
    with open(path) as f:
        return yaml.safe_load(f)


def _job(entry):
    uses = entry.get("uses", [])
    return DagJob(
        id=entry["id"], name=entry["name"], arguments=[str(a) for a in entry.get("arguments", [])],
        inputs=sorted(u["lfn"] for u in uses if u["type"] == "input"),
        outputs=sorted(u["lfn"] for u in uses if u["type"] == "output"),
        stage_out={u["lfn"] for u in uses if u["type"] == "output" and u.get("stageOut", True)},
        checkpoints=sorted(u["lfn"] for u in uses if u["type"] == "checkpoint"),
        profiles=entry.get("profiles", {}))


def load(folder):
    """The workflow and catalogs that galaxyzoo_workflow.py wrote into @p folder."""
    folder = Path(folder)
    wf = _read(folder / "workflow.yml")
    jobs = {e["id"]: _job(e) for e in wf["jobs"]}
    children = {d["id"]: set(d["children"]) for d in wf.get("jobDependencies", [])}
    replicas = {}
    for r in _read(folder / "replicas.yml")["replicas"]:
        replicas[r["lfn"]] = next(p["pfn"] for p in r["pfns"] if p["site"] == "local")
    transformations = {t["name"]: t["sites"][0]["pfn"]
                       for t in _read(folder / "transformations.yml")["transformations"]}
    sites = {s["name"]: s for s in _read(folder / "sites.yml")["sites"]}
    return Dag(jobs, children, replicas, transformations, sites)


def problems(dag):
    """Every structural fault of @p dag, one line each (empty: none)."""
    found = []
    try:
        dag.order()
    except ValueError as e:
        found.append(str(e))
    for lfn, ids in dag.producers().items():
        if len(ids) > 1:
            found.append(f"{lfn} is an output of several jobs: {', '.join(ids)}")
        if lfn in dag.replicas:
            found.append(f"{lfn} is an output of {ids[0]} and also in the replica catalog")
    made = dag.producers()
    for job in dag.jobs.values():
        found += _job_problems(dag, job, made)
    return found


def _job_problems(dag, job, made):
    found = []
    if job.name not in dag.transformations:
        found.append(f"{job.id}: program {job.name} is not in the transformation catalog")
    ancestors = dag.ancestors(job.id)
    for lfn in job.inputs:
        if lfn in dag.replicas:
            continue
        if lfn not in made:
            found.append(f"{job.id}: input {lfn} is neither in the replica catalog nor an output")
        elif made[lfn][0] not in ancestors:
            found.append(f"{job.id}: input {lfn} comes from {made[lfn][0]}, not an ancestor")
    files = set(job.inputs) | set(job.outputs) | set(job.checkpoints)
    for arg in job.arguments:
        looks_like_file = "." in arg and not arg.startswith(("-", ".", "/")) and "://" not in arg
        if looks_like_file and not arg.replace(".", "").isdigit() and arg not in files:
            found.append(f"{job.id}: argument {arg} is not one of the job's files")
    if job.checkpoints and job.profile("pegasus", "maxwalltime") is not None:
        if not job.profile("pegasus", "checkpoint.time", 0) < job.profile("pegasus", "maxwalltime"):
            found.append(f"{job.id}: checkpoint.time must come before maxwalltime")
    if job.profile("pegasus", "maxwalltime") is not None and \
            int(job.profile("dagman", "RETRY", 0)) < 1:
        found.append(f"{job.id}: a job stopped at its wall time needs retries")
    return found
