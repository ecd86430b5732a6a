"""Structural checks of a workflow written by pegasus/galaxyzoo_workflow.py.

    check_workflow.py FOLDER --num_workers N --hpo_workers K [--maxwalltime M]
                      [--num_class_2 A --num_class_3 B]

Checks what pegasus_dag.problems() checks, then the shape the generator's flags ask for:
N preprocessing jobs over a round-robin split that covers every image once, one
augmentation job per class with new images, the search (one job with its study as a
checkpoint file, or K workers and a summary job), training with its checkpoint, evaluation
on the test images only, and the site catalog's condorpool with condorio. Prints each
problem and exits 1 if there is one.
"""

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pegasus_dag  # noqa: E402


def expect(problems, condition, message):
    if not condition:
        problems.append(message)


def check_preprocessing(dag, args, problems):
    pre = [j for j in dag.jobs.values() if j.name == "preprocess_resize"]
    expect(problems, len(pre) == args.num_workers,
           f"expected {args.num_workers} preprocessing jobs, found {len(pre)}")
    split_image = re.compile(r"(train|val|test)_class_\d_\d+\.jpg")
    images = sorted(lfn for lfn in dag.replicas if split_image.fullmatch(lfn))
    seen = sorted(lfn for j in pre for lfn in j.inputs if lfn.endswith(".jpg"))
    expect(problems, seen == images, "the preprocessing jobs do not read every image exactly once")
    for j in pre:
        mine = sorted(lfn for lfn in j.inputs if lfn.endswith(".jpg"))
        made = sorted(lfn[:-len(".jpg")] + "_proc.jpg" for lfn in mine)
        expect(problems, j.outputs == made, f"{j.id}: outputs are not its inputs' _proc.jpg")
        sizes = len(mine)
        expect(problems, abs(sizes - len(images) / args.num_workers) < 1,
               f"{j.id}: {sizes} images is not a round-robin share")
        lists = [lfn for lfn in j.inputs if lfn.endswith(".txt")]
        expect(problems, len(lists) == 1, f"{j.id}: expected one file list")
        if lists:
            listed = Path(dag.replicas[lists[0]]).read_text().split()
            expect(problems, sorted(listed) == mine, f"{j.id}: its file list is not its inputs")


def check_augmentation(dag, args, problems):
    for k, num in ((2, args.num_class_2), (3, args.num_class_3)):
        job = dag.jobs.get(f"augment_class_{k}")
        if num == 0:
            expect(problems, job is None, f"augment_class_{k} with --num_class_{k} 0")
            continue
        if job is None:
            problems.append(f"no augment_class_{k} job")
            continue
        # Training from scratch fits soft targets: the job also reads create_dataset's
        # table and writes its new images' table, which the training reads.
        images = [o for o in job.outputs if o.endswith("_proc.jpg")]
        tables = [o for o in job.outputs if o not in images]
        expect(problems, len(images) == num, f"augment_class_{k}: {len(images)} new images")
        expect(problems, tables in ([], [f"soft_targets_train_class_{k}.csv"]),
               f"augment_class_{k} writes {tables} besides its images")
        expect(problems, not tables or f"soft_targets_train_class_{k}.csv" in
               dag.jobs["train_model"].inputs, f"the training does not read augment_class_{k}'s table")
        expect(problems, job.inputs and all(re.fullmatch(rf"train_class_{k}_\d+_proc\.jpg", i) or
                                            (tables and i == "soft_targets.csv")
                                            for i in job.inputs),
               f"augment_class_{k} reads other files than class {k}'s training images")


def check_search(dag, args, problems):
    search = [j for j in dag.jobs.values() if j.name == "vgg16_hpo"]
    train = dag.jobs["train_model"]
    training = {i for i in train.inputs if i.endswith("_proc.jpg")}
    expect(problems, not any(i.startswith("test_") for i in training), "training reads test images")
    if args.hpo_workers == 1 and not args.shared_study:
        expect(problems, len(search) == 1 and search[0].checkpoints == ["hpo_galaxy_vgg16.db"],
               "one search job with its study as a checkpoint file expected")
        checkpointed = search
    else:
        workers = [j for j in search if j.id.startswith("vgg16_hpo_worker_")]
        expect(problems, len(workers) == args.hpo_workers,
               f"expected {args.hpo_workers} search workers, found {len(workers)}")
        expect(problems, dag.parents("vgg16_hpo_summary") == {w.id for w in workers},
               "the summary job must wait for every worker")
        stores = {j.arguments[j.arguments.index("--storage") + 1] for j in search}
        expect(problems, len(stores) == 1 and "://" in next(iter(stores)),
               f"the search jobs must share one study URL, found {stores}")
        checkpointed = workers
    for j in checkpointed:
        expect(problems, {i for i in j.inputs if i.endswith("_proc.jpg")} == training,
               f"{j.id} does not read the training images that train_model reads")
    jobs = checkpointed + [train]
    expect(problems, train.checkpoints == ["checkpoint_vgg16.pt"], "train_model's checkpoint")
    for j in jobs:
        if args.maxwalltime:
            expect(problems, j.profile("pegasus", "maxwalltime") == args.maxwalltime,
                   f"{j.id}: maxwalltime profile")
            expect(problems, 0 < j.profile("pegasus", "checkpoint.time", 0) < args.maxwalltime,
                   f"{j.id}: checkpoint.time profile")
        expect(problems, j.profile("pegasus", "cores", 0) >= 1 and
               j.profile("pegasus", "memory", 0) > 0, f"{j.id}: cores and memory profiles")


def check_evaluation(dag, problems):
    ev = dag.jobs["eval_model"]
    images = [i for i in ev.inputs if i.endswith(".jpg")]
    expect(problems, images and all(i.startswith("test_") for i in images),
           "eval_model must read the test images only")
    expect(problems, "final_vgg16_model.pt" in ev.inputs and "manifest.csv" in ev.inputs,
           "eval_model reads the model and the manifest")
    expect(problems, {"exp_results.csv", "metrics.json"} <= ev.stage_out,
           "the evaluation's results go to the output site")
    pool = dag.sites.get("condorpool", {}).get("profiles", {}).get("pegasus", {})
    expect(problems, pool.get("data.configuration") == "condorio", "condorpool is not condorio")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("folder")
    p.add_argument("--num_workers", type=int, required=True)
    p.add_argument("--hpo_workers", type=int, default=1)
    p.add_argument("--shared_study", action="store_true", help="the workflow has a --study_url")
    p.add_argument("--maxwalltime", type=int, default=0)
    p.add_argument("--num_class_2", type=int, default=7000)
    p.add_argument("--num_class_3", type=int, default=4000)
    args = p.parse_args()
    dag = pegasus_dag.load(args.folder)
    problems = pegasus_dag.problems(dag)
    check_preprocessing(dag, args, problems)
    check_augmentation(dag, args, problems)
    check_search(dag, args, problems)
    check_evaluation(dag, problems)
    for line in problems:
        print("FAILED:", line)
    print(f"check_workflow: {len(dag.jobs)} jobs, {len(dag.replicas)} replicas, "
          f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
