#!/usr/bin/env python3
"""Generate the Galaxy Zoo workflow for Pegasus 5 (HTCondor, condorio), with galaxyzoo's
programs as the jobs, and optionally plan and submit it.

    .venv/bin/python pegasus/galaxyzoo_workflow.py --data_path galaxy-zoo-the-galaxy-challenge \\
        --bin_dir /opt/galaxyzoo/bin --output_dir gz-pegasus --num_workers 20 --trials 10 \\
        --hpo_workers 4 --study_url postgresql://hpo@dbhost/galaxyzoo --submit

Labelling and splitting run here, before planning, through create_dataset (the library's
Dataset and Splitter): Pegasus must know every file of the DAG when it plans, and the names
of the split images are only known once the catalogue is labelled. The renamed images are
registered in the replica catalog; every job declares its inputs and outputs, so Pegasus
stages them into each job's own flat directory. docs/scale-out.md has the whole story.
"""

import argparse
import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

try:
    from Pegasus.api import (Container, Directory, File, FileServer, Job, Operation,
                             PegasusClientError, Properties, ReplicaCatalog, Site, SiteCatalog,
                             Transformation, TransformationCatalog, Workflow)
except ImportError:
    sys.exit("galaxyzoo_workflow: the Pegasus 5 Python API is not installed: run "
             "scripts/install-pegasus.sh and use .venv/bin/python (or pip install pegasus-wms.api)")

# augment_data numbers its new files from here (its --first_number default).
FIRST_AUGMENTED = 4000
# Without ImageNet weights run_workflow trains with milder colour jitter and rotations and
# searches SearchSpace::vgg16_from_scratch() (training_base() in src/workflow/galaxy_steps.cpp);
# the jobs get the same through these flags, and tests/pegasus checks the two agree.
FROM_SCRATCH_FLAGS = ["--space", "from_scratch", "--jitter", "0.8", "1.2", "0.8", "1.2",
                      "--rotations"]
# create_dataset's table of each image's vote fractions over the classes (soft targets).
SOFT_TARGETS = "soft_targets.csv"
PROGRAMS = ["preprocess_resize", "augment_data", "vgg16_hpo", "train_model", "eval_model"]
HPO_SUMMARY = ["best_vgg16_hpo_params.txt", "best_vgg16_hpo_trial.json", "vgg16_hpo_trials.csv"]
STUDY_FILE = "hpo_galaxy_vgg16.db"
TRAIN_OUTPUTS = ["final_vgg16_model.pt", "loss_vgg16.png", "history_vgg16.csv"]
TRAIN_CHECKPOINT = "checkpoint_vgg16.pt"
EVAL_OUTPUTS = ["exp_results.csv", "metrics.json", "predictions.csv",
                "final_confusion_matrix_norm.png", "final_confusion_matrix.png"]


class UsageError(Exception):
    """A bad combination of flags (exit status 2)."""


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="galaxyzoo_workflow",
        description="Generate the Galaxy Zoo workflow for Pegasus (catalogs, properties, "
                    "workflow.yml) and, with --submit, plan and submit it.")
    # The original's flags.
    p.add_argument("--batch_size", type=int, default=32, help="batch size for training")
    p.add_argument("--seed", type=int, default=10,
                   help="seed of the split, augmentation, search and training")
    p.add_argument("--data_path", default="galaxy-zoo-the-galaxy-challenge",
                   help="Kaggle folder: training_solutions_rev1.csv + images_training_rev1/")
    p.add_argument("--epochs", type=int, default=10, help="most epochs of the final training")
    p.add_argument("--trials", type=int, default=1, help="finished search trials, all workers")
    p.add_argument("--num_workers", type=int, default=20, help="number of preprocessing jobs")
    p.add_argument("--num_class_2", type=int, default=7000, help="new class-2 training images")
    p.add_argument("--num_class_3", type=int, default=4000, help="new class-3 training images")
    p.add_argument("--maxwalltime", type=int, default=0,
                   help="minutes a search or training job may run before it is stopped with "
                        "its checkpoint and retried (0: no limit)")
    # galaxyzoo's.
    p.add_argument("--image_size", type=int, default=256, help="network input side, 32k")
    p.add_argument("--crop_size", type=int, default=256,
                   help="side of the centre crop (the original's 256; run_workflow's demo uses 80)")
    p.add_argument("--weights", default="",
                   help="torchvision VGG16 ImageNet state_dict (default: train from scratch)")
    p.add_argument("--hard_targets", action="store_true",
                   help="from scratch: fit the labels, not the vote fractions (run_workflow's "
                        "--hard_targets)")
    p.add_argument("--hpo_workers", type=int, default=1, help="search jobs sharing one study")
    p.add_argument("--study_url", default="",
                   help="the shared study: postgresql://user@host:port/db (needed for "
                        "--hpo_workers > 1), or sqlite:////path on a shared file system")
    p.add_argument("--container", default="none",
                   help="container image of the jobs, e.g. docker://you/galaxyzoo:1 "
                        "(none: the programs are installed on the execute nodes)")
    p.add_argument("--container_type", choices=["docker", "singularity"], default="docker")
    p.add_argument("--submit", action="store_true", help="plan and submit with pegasus-plan")
    p.add_argument("--output_dir", default="galaxyzoo-pegasus",
                   help="where the data set, catalogs and workflow are written")
    p.add_argument("--bin_dir", default="",
                   help="folder of the galaxyzoo programs here (create_dataset runs here); "
                        "default: where create_dataset is found on PATH")
    p.add_argument("--job_bin_dir", default="",
                   help="folder of the programs on the execute nodes or in the container, "
                        "an absolute path (default: --bin_dir)")
    p.add_argument("--hpo_epochs", type=int, default=0, help="epochs per trial (0: --epochs)")
    p.add_argument("--patience", type=int, default=4, help="early-stopping patience")
    p.add_argument("--max_img", type=int, nargs=5, metavar="N", help="cap per class")
    p.add_argument("--cores", type=int, default=4, help="cores (threads) of every job")
    p.add_argument("--gpus", type=int, default=0, help="GPUs of each search and training job")
    p.add_argument("--memory", default="2 GB", help="memory of the image jobs")
    p.add_argument("--train_memory", default="16 GB",
                   help="memory of the search, training and evaluation jobs")
    p.add_argument("--retries", type=int, default=3,
                   help="retries of a failed job; a job stopped at its wall time uses one")
    p.add_argument("--checkpoint_margin", type=int, default=5,
                   help="minutes between the checkpoint signal (TERM) and --maxwalltime (KILL)")
    args = p.parse_args(argv)
    try:
        check_args(args)
    except UsageError as e:
        p.error(str(e))
    return args


def check_args(a):
    positive = ["batch_size", "epochs", "trials", "num_workers", "hpo_workers", "cores",
                "crop_size"]
    for name in positive:
        if getattr(a, name) < 1:
            raise UsageError(f"--{name} must be at least 1, got {getattr(a, name)}")
    for name in ["num_class_2", "num_class_3", "maxwalltime", "hpo_epochs", "patience", "gpus",
                 "retries"]:
        if getattr(a, name) < 0:
            raise UsageError(f"--{name} must not be negative, got {getattr(a, name)}")
    if a.image_size <= 0 or a.image_size % 32:
        raise UsageError(f"--image_size must be a positive multiple of 32, got {a.image_size}")
    if a.maxwalltime and a.maxwalltime <= a.checkpoint_margin:
        raise UsageError(f"--maxwalltime {a.maxwalltime} must exceed --checkpoint_margin "
                         f"{a.checkpoint_margin} (minutes)")
    if a.hpo_workers > 1 and not a.study_url:
        raise UsageError("--hpo_workers > 1 needs --study_url: a PostgreSQL URL that every "
                         "execute node reaches (or sqlite:////path on a shared file system)")
    if a.job_bin_dir and not a.job_bin_dir.startswith("/"):
        raise UsageError(f"--job_bin_dir must be an absolute path, got '{a.job_bin_dir}'")
    if a.study_url and not re.match(r"^(postgres(ql)?://|sqlite:////)", a.study_url):
        raise UsageError(f"--study_url must be postgresql://... or sqlite:////absolute/path, "
                         f"got '{a.study_url}'")


def find_bin_dir(args):
    """The folder holding create_dataset on this machine: --bin_dir, else PATH."""
    if args.bin_dir:
        return Path(args.bin_dir).resolve()
    found = shutil.which("create_dataset")
    if not found:
        raise UsageError("create_dataset is not on PATH: give --bin_dir (the folder of the "
                         "galaxyzoo programs)")
    return Path(found).resolve().parent


def create_dataset(args, bin_dir, dataset_dir):
    """Labels, selects and splits the catalogue with create_dataset (hard links, no copies
    where it can); returns the manifest's rows."""
    command = [str(bin_dir / "create_dataset"), "--input_dir", args.data_path,
               "--output_dir", str(dataset_dir), "--seed", str(args.seed), "--stratified",
               "--replace"]
    if args.max_img:
        command += ["--max_img", *map(str, args.max_img)]
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout)
        raise RuntimeError(f"create_dataset failed (exit status {done.returncode})")
    with open(dataset_dir / "manifest.csv", newline="") as f:
        return list(csv.DictReader(f))


def proc_name(image):
    """preprocess_resize's output name for @p image."""
    return Path(image).stem + "_proc.jpg"


def class_number(name, class_k):
    """n of train_class_K_n_proc.jpg, or None."""
    m = re.fullmatch(rf"train_class_{class_k}_(\d+)_proc\.jpg", name)
    return int(m.group(1)) if m else None


def augmentation(rows, class_k, num):
    """(inputs, outputs) of the augmentation job of class @p class_k."""
    inputs = []
    for r in rows:
        n = class_number(proc_name(r["file"]), class_k)
        if n is None:
            continue
        if n >= FIRST_AUGMENTED and num:
            raise UsageError(f"class {class_k} has a training image numbered {n}: augmented "
                             f"files start at {FIRST_AUGMENTED}; cap the class with --max_img")
        inputs.append(proc_name(r["file"]))
    outputs = [f"train_class_{class_k}_{FIRST_AUGMENTED + i}_proc.jpg" for i in range(num)]
    return sorted(inputs), outputs


def program_flags(args, gpus=True):
    """The flags that every search, training and evaluation job shares; @p gpus: the job
    has the GPUs of --gpus."""
    device = "cuda" if args.gpus and gpus else "cpu"
    return ["--batch_size", str(args.batch_size), "--seed", str(args.seed), "--device", device,
            "--num_workers", str(args.cores), "--threads", str(args.cores)]


def training_flags(args, weights=True):
    """The flags of the search and the final training (run_workflow's shared training base);
    @p weights: with --weights, if given."""
    flags = ["--image_size", str(args.image_size), "--patience", str(args.patience)]
    if args.weights and weights:
        return flags + ["--weights", Path(args.weights).name]
    return flags


def resources(job, args, memory, gpus=0):
    """The job's cores, memory and GPUs (Pegasus turns them into HTCondor requests) and
    DAGMan's retries."""
    job.add_pegasus_profile(cores=args.cores, memory=memory)
    if gpus:
        job.add_pegasus_profile(gpus=gpus)
    job.add_dagman_profile(retry=str(args.retries))
    return job


def wall_time(job, args):
    """A job stopped by TERM at checkpoint.time writes its checkpoint and exits with status 3;
    KILL follows at maxwalltime; the retry resumes from the staged checkpoint."""
    if args.maxwalltime:
        job.add_pegasus_profile(checkpoint_time=args.maxwalltime - args.checkpoint_margin,
                                max_walltime=args.maxwalltime)
    return job


def preprocess_jobs(args, rows, lists_dir, rc):
    images = sorted(r["file"] for r in rows)
    jobs = []
    for i in range(min(args.num_workers, len(images))):
        mine = images[i::args.num_workers]  # round-robin, as the original splits them
        list_name = f"preprocess_{i}.txt"
        (lists_dir / list_name).write_text("".join(name + "\n" for name in mine))
        rc.add_replica("local", list_name, (lists_dir / list_name).resolve())
        job = Job("preprocess_resize", _id=f"preprocess_{i}", node_label=f"preprocess {i}")
        job.add_args("--input_dir", ".", "--output_dir", ".", "--file_list", File(list_name),
                     "--crop_size", str(args.crop_size), "--num_workers", str(args.cores))
        job.add_inputs(File(list_name), *map(File, mine))
        job.add_outputs(*(File(proc_name(n)) for n in mine), stage_out=False,
                        register_replica=False)
        jobs.append(resources(job, args, args.memory))
    return jobs


def soft_targets(args):
    """Whether training fits the vote fractions (run_workflow's from-scratch default)."""
    return not args.weights and not args.hard_targets


def augmented_targets(class_k):
    """The soft-target table augment_data writes for the new images of class @p class_k."""
    return f"soft_targets_train_class_{class_k}.csv"


def recipe_flags(args, tables):
    """The recipe flags of the search and the final training: from scratch, the cosine ends
    at --epochs in both (as run_workflow does), and the soft-target @p tables."""
    if args.weights:
        return []
    flags = ["--cosine_epochs", str(args.epochs)]
    return flags + (["--soft_targets", *tables] if tables else [])


def augment_jobs(args, rows):
    """The augmentation jobs of classes 2 and 3 (none for a class with no new images), and
    the names of their outputs."""
    jobs, names = [], []
    for class_k, num in ((2, args.num_class_2), (3, args.num_class_3)):
        if num == 0:
            continue
        inputs, outputs = augmentation(rows, class_k, num)
        job = Job("augment_data", _id=f"augment_class_{class_k}")
        job.add_args("--input_dir", ".", "--output_dir", ".", "--class_str", f"class_{class_k}",
                     "--num", str(num), "--seed", str(args.seed), "--num_workers", str(args.cores))
        job.add_inputs(*map(File, inputs))
        job.add_outputs(*map(File, outputs), stage_out=False, register_replica=False)
        if soft_targets(args):
            job.add_args("--soft_targets", File(SOFT_TARGETS))
            job.add_inputs(File(SOFT_TARGETS))
            job.add_outputs(File(augmented_targets(class_k)), stage_out=False,
                            register_replica=False)
        jobs.append(resources(job, args, args.memory))
        names += outputs
    return jobs, names


def search_flags(args, worker=True):
    """vgg16_hpo's flags, but for --storage; a worker (not the summary job, which trains
    nothing) has the GPUs and the weights."""
    flags = ["--input_dir", ".", "--output_dir", ".", "--trials", str(args.trials),
             "--epochs", str(args.hpo_epochs or args.epochs), *program_flags(args, worker),
             *training_flags(args, worker)]
    return flags if args.weights else flags + FROM_SCRATCH_FLAGS


def hpo_jobs(args, training_inputs, tables):
    """The search: ([the job], []) with its study as a checkpoint file, or (K workers sharing
    --study_url and the job that writes the study's summary, the workers)."""
    base = search_flags(args) + recipe_flags(args, tables)
    if not args.study_url:
        job = Job("vgg16_hpo", _id="vgg16_hpo")
        job.add_args(*base, "--storage", STUDY_FILE)
        job.add_inputs(*training_inputs)
        job.add_checkpoint(File(STUDY_FILE))
        job.add_outputs(*map(File, HPO_SUMMARY))
        wall_time(resources(job, args, args.train_memory, args.gpus), args)
        return [job], []
    workers = []
    for k in range(args.hpo_workers):
        job = Job("vgg16_hpo", _id=f"vgg16_hpo_worker_{k}", node_label=f"search worker {k}")
        job.add_args(*base, "--storage", args.study_url)
        job.add_inputs(*training_inputs)
        workers.append(wall_time(resources(job, args, args.train_memory, args.gpus), args))
    # Every trial is finished once all workers are: this run trains nothing and writes the
    # summary of the whole study.
    summary = Job("vgg16_hpo", _id="vgg16_hpo_summary")
    summary.add_args(*search_flags(args, worker=False), "--storage", args.study_url)
    summary.add_outputs(*map(File, HPO_SUMMARY))
    resources(summary, args, args.memory)
    return workers + [summary], workers


def train_job(args, training_inputs, tables):
    job = Job("train_model", _id="train_model")
    job.add_args("--input_dir", ".", "--output_dir", ".", "--params", File(HPO_SUMMARY[0]),
                 "--epochs", str(args.epochs), *program_flags(args), *training_flags(args),
                 "--resume")
    if not args.weights:
        job.add_args(*FROM_SCRATCH_FLAGS[2:])  # the jitter and rotations, not the space
    job.add_args(*recipe_flags(args, tables))
    job.add_inputs(File(HPO_SUMMARY[0]), *training_inputs)
    job.add_checkpoint(File(TRAIN_CHECKPOINT))
    job.add_outputs(*map(File, TRAIN_OUTPUTS))
    return wall_time(resources(job, args, args.train_memory, args.gpus), args)


def eval_job(args, test_inputs):
    job = Job("eval_model", _id="eval_model")
    job.add_args("--model", File(TRAIN_OUTPUTS[0]), "--input_dir", ".", "--output_dir", ".",
                 "--manifest", File("manifest.csv"), *program_flags(args))
    job.add_inputs(File(TRAIN_OUTPUTS[0]), File("manifest.csv"), *test_inputs)
    job.add_outputs(*map(File, EVAL_OUTPUTS))
    return resources(job, args, args.train_memory)


def build_workflow(args, rows, out, rc):
    """The DAG: preprocess shards -> augment class 2 and 3 -> search -> train -> evaluate."""
    lists_dir = out / "file_lists"
    lists_dir.mkdir(exist_ok=True)
    wf = Workflow("galaxyzoo")
    pre = preprocess_jobs(args, rows, lists_dir, rc)
    aug, augmented = augment_jobs(args, rows)
    split_of = {proc_name(r["file"]): r["split"] for r in rows}
    training = [n for n, s in sorted(split_of.items()) if s in ("train", "val")] + augmented
    training_inputs = [File(n) for n in training]
    if args.weights:
        training_inputs.append(File(Path(args.weights).name))
    tables = []
    if soft_targets(args):
        tables = [SOFT_TARGETS] + [augmented_targets(k) for k, num in
                                   ((2, args.num_class_2), (3, args.num_class_3)) if num]
        training_inputs += [File(t) for t in tables]
    search, workers = hpo_jobs(args, training_inputs, tables)
    train = train_job(args, training_inputs, tables)
    test = [File(n) for n, s in sorted(split_of.items()) if s == "test"]
    wf.add_jobs(*pre, *aug, *search, train, eval_job(args, test))
    if workers:  # the summary job shares no file with the workers: an explicit edge
        wf.add_dependency(search[-1], parents=workers)
    return wf


def site_catalog(out):
    """local (the submit host: scratch and the outputs) and condorpool (HTCondor, files
    moved by HTCondor's file transfer, no shared file system)."""
    sc = SiteCatalog()
    local = Site("local").add_directories(
        Directory(Directory.SHARED_SCRATCH, str(out / "scratch"))
        .add_file_servers(FileServer(f"file://{out / 'scratch'}", Operation.ALL)),
        Directory(Directory.SHARED_STORAGE, str(out / "outputs"))
        .add_file_servers(FileServer(f"file://{out / 'outputs'}", Operation.ALL)))
    condorpool = Site("condorpool")
    condorpool.add_condor_profile(universe="vanilla")
    condorpool.add_pegasus_profile(style="condor", data_configuration="condorio")
    sc.add_sites(local, condorpool)
    return sc


def transformation_catalog(args, bin_dir):
    tc = TransformationCatalog()
    container = None
    if args.container != "none":
        kind = Container.DOCKER if args.container_type == "docker" else Container.SINGULARITY
        container = Container("galaxyzoo", kind, image=args.container)
        tc.add_containers(container)
    for name in PROGRAMS:
        tc.add_transformations(Transformation(name, site="condorpool", pfn=bin_dir / name,
                                              is_stageable=False, container=container))
    return tc


def properties(out):
    props = Properties()
    props["pegasus.catalog.replica"] = "YAML"
    props["pegasus.catalog.replica.file"] = str(out / "replicas.yml")
    props["pegasus.catalog.site.file"] = str(out / "sites.yml")
    props["pegasus.catalog.transformation.file"] = str(out / "transformations.yml")
    props["pegasus.monitord.encoding"] = "json"
    return props


def generate(args):
    out = Path(args.output_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    local_bin = find_bin_dir(args)
    job_bin = Path(args.job_bin_dir) if args.job_bin_dir else local_bin
    dataset_dir = out / "full_galaxy_dataset"
    rows = create_dataset(args, local_bin, dataset_dir)
    if not rows:
        raise UsageError(f"no galaxy of {args.data_path} matched a class")
    rc = ReplicaCatalog()
    for r in rows:
        rc.add_replica("local", r["file"], dataset_dir / r["file"])
    rc.add_replica("local", "manifest.csv", dataset_dir / "manifest.csv")
    if soft_targets(args):
        rc.add_replica("local", SOFT_TARGETS, dataset_dir / SOFT_TARGETS)
    if args.weights:
        rc.add_replica("local", Path(args.weights).name, Path(args.weights).resolve())
    wf = build_workflow(args, rows, out, rc)
    rc.write(out / "replicas.yml")
    site_catalog(out).write(out / "sites.yml")
    transformation_catalog(args, job_bin).write(out / "transformations.yml")
    properties(out).write(out / "pegasus.properties")
    wf.write(out / "workflow.yml")
    print(f"galaxyzoo_workflow: {len(rows)} images, {len(wf.jobs)} jobs; wrote workflow.yml, "
          f"replicas.yml, transformations.yml, sites.yml, pegasus.properties to {out}")
    return wf, out


def submit(wf, out):
    if not shutil.which("pegasus-plan"):
        raise UsageError("--submit needs pegasus-plan on PATH (install Pegasus and HTCondor on "
                         "the submit host); the generated files are ready for it")
    wf.plan(conf=str(out / "pegasus.properties"), dir=str(out / "submit"),
            sites=["condorpool"], output_sites=["local"], submit=True)


def main(argv=None):
    args = parse_args(argv)
    try:
        wf, out = generate(args)
        if args.submit:
            submit(wf, out)
    except UsageError as e:
        print(f"galaxyzoo_workflow: usage error: {e}", file=sys.stderr)
        return 2
    except PegasusClientError as e:
        print(f"galaxyzoo_workflow: pegasus-plan failed: {e}\n{e.output}", file=sys.stderr)
        return 1
    except (OSError, RuntimeError) as e:
        print(f"galaxyzoo_workflow: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
