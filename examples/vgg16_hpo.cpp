// vgg16_hpo: search VGG16's layer and learning rates on the preprocessed images. The
// study lives in a SQLite file, or a PostgreSQL database shared by several machines
// (--storage postgresql://...): a restarted run (or several at once) runs only the trials
// still missing. SIGTERM or Ctrl-C hands the running trial back and
// exits with status 3; run again to continue.
//
//   vgg16_hpo --input_dir preprocessed --weights vgg16_imagenet.pth --epochs 8 --trials 2
//   vgg16_hpo --input_dir preprocessed --image_size 64 --epochs 2 --trials 10 --pruner median
//   vgg16_hpo ... --space from_scratch --jitter 0.8 1.2 0.8 1.2 --rotations   # as run_workflow
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/core/stop_request.hpp>
#include <galaxyzoo/hpo/hpo_search.hpp>
#include <galaxyzoo/hpo/postgres_storage.hpp>
#include <galaxyzoo/hpo/vgg16_objective.hpp>
#include <galaxyzoo/model/device.hpp>
#include <galaxyzoo/model/training_history.hpp>

#include <cstdio>
#include <iostream>
#include <vector>

#include "program.hpp"
#include "programs.hpp"
#include "training_flags.hpp"

namespace fs = std::filesystem;

namespace {

// --export_optuna: the summary files of the study at @p url (default: the one in
// @p output_dir), as a search writes them after every trial, without running a trial.
int export_study(std::string url, const std::string& output_dir) {
  if (url.empty()) {
    url = (fs::path(output_dir) / "hpo_galaxy_vgg16.db").string();
    if (!fs::exists(url)) throw galaxyzoo::Error("--export_optuna: no study database " + url);
  }
  auto storage = galaxyzoo::open_storage(url);
  const galaxyzoo::StudyConfig study = storage->study();
  const auto records = storage->records();
  galaxyzoo::write_hpo_summary(records, study.space, study.name, output_dir, "vgg16_hpo");
  std::cout << "Exported study '" << study.name << "' (" << records.size() << " trials) to "
            << output_dir
            << ": vgg16_hpo.optuna.log, vgg16_hpo_trials.csv, vgg16_hpo_{history,intermediate,"
               "params}.{png,svg}\n";
  return galaxyzoo::examples::kExitOk;
}

}  // namespace

int galaxyzoo::examples::vgg16_hpo_main(int argc, char** argv) {
  galaxyzoo::examples::Program program("vgg16_hpo",
                                       "Hyper-parameter search for the VGG16 galaxy classifier.");
  CLI::App& app = program.app();
  galaxyzoo::HpoSearchOptions search;
  galaxyzoo::Vgg16ObjectiveOptions objective;
  galaxyzoo::TrainingRunOptions& run = objective.run;
  std::string data = "preprocessed", output_dir = ".", storage, space;
  std::uint64_t seed = 0;
  search.sampler = "tpe";
  program.add_input_dir(data, "Folder of {train,val}_class_K_N_proc.jpg images");
  program.add_output_dir(output_dir, "Where the study summary and the per-trial files go");
  app.add_option("--storage", storage,
                 "Study database: a file path, sqlite:///path or postgresql://user@host:port/db "
                 "(default: OUTPUT_DIR/hpo_galaxy_vgg16.db)");
  app.add_option("--study", search.study_name, "Study name (must match the database's)")
      ->capture_default_str();
  program.add_integer("--trials", search.trials, flag_ranges::kTrials,
                      "Finished trials the study should reach, all runs together");
  program.add_integer("--epochs", run.trainer.epochs, flag_ranges::kEpochs,
                      "Most epochs per trial");
  program.add_integer("--patience", run.trainer.patience, flag_ranges::kPatience,
                      "Early-stopping patience in epochs (0: off)");
  program.add_batch_size(run.loader.batch_size);
  program.add_seed(seed, "Seed of the sampler and of each trial's training");
  app.add_option("--space", space,
                 "Search space JSON, or from_scratch for run_workflow's space without weights "
                 "(default: the original's layer/lr_body/lr_head choices)");
  app.add_option("--sampler", search.sampler, "random, grid or tpe")->capture_default_str();
  app.add_option("--pruner", search.pruner, "none or median")->capture_default_str();
  program.add_real("--heartbeat", search.heartbeat_seconds, {0, 86400, true, false},
                   "Seconds between a running trial's heartbeats");
  program.add_real("--grace", search.grace_seconds, {0, 864000, true, false},
                   "A running trial silent this many seconds is re-run (more than --heartbeat)");
  app.add_flag("--mean_loss", objective.mean_val_loss,
               "Objective: mean val loss over the epochs run (default: best)");
  galaxyzoo::examples::TrainingFlags flags;
  flags.add(program, run);
  program.add_check([&] {
    if (!(search.grace_seconds > search.heartbeat_seconds))
      throw UsageError("--grace must be more than --heartbeat");
  });
  bool export_only = false;
  app.add_flag("--export_optuna", export_only,
               "Run no trial: write the study's Optuna journal (vgg16_hpo.optuna.log), trials "
               "CSV, plots and best-trial files from --storage into OUTPUT_DIR, then exit");
  return program.run(argc, argv, [&] {
    if (export_only) return export_study(storage, output_dir);
    galaxyzoo::install_stop_handler();
    flags.apply(run, "vgg16_hpo", /*warn=*/true);
    run.trainer.seed = search.seed = seed;
    run.data = data;
    run.output_dir = search.output_dir = output_dir;
    if (space == "from_scratch") {
      search.space = galaxyzoo::SearchSpace::vgg16_from_scratch();
    } else if (!space.empty()) {
      search.space = galaxyzoo::SearchSpace::read_json(space);
    }
    search.storage =
        storage.empty() ? (fs::path(output_dir) / "hpo_galaxy_vgg16.db").string() : storage;
    fs::create_directories(output_dir);
    search.on_message = [](const std::string& line) { std::cout << line << std::flush; };
    run.trainer.on_notice = [](const std::string& line) {
      std::cerr << "warning: " << line << "\n";
    };
    run.trainer.on_epoch = [epochs = run.trainer.epochs](const galaxyzoo::EpochStats& e) {
      std::cout << "  " << galaxyzoo::format_epoch_line(e, epochs) << std::endl;
    };

    galaxyzoo::HpoSearch hpo(search);
    const galaxyzoo::Vgg16Objective vgg16(objective, search.space);
    std::cout << "Study '" << search.study_name << "' in "
              << galaxyzoo::postgres_url_without_password(search.storage) << ": " << search.trials
              << " trials, sampler " << search.sampler << ", pruner " << search.pruner << "; "
              << galaxyzoo::describe(run.trainer.device) << '\n';
    const auto result = hpo.run(vgg16);
    if (result.interrupted) {
      std::cout << "Stopped on request; run again with the same --storage to continue\n";
      return galaxyzoo::kExitResumable;
    }
    std::cout << "This run: " << result.complete << " complete, " << result.pruned << " pruned, "
              << result.failed << " failed; the study has " << result.finished_total
              << " finished trials\n";
    if (result.best) {
      std::cout << "Best: trial " << result.best->trial.number << ", value "
                << *result.best->trial.value
                << "; wrote best_vgg16_hpo_params.txt, best_vgg16_hpo_trial.json, "
                   "vgg16_hpo_trials.csv, vgg16_hpo.optuna.log and the trial plots to "
                << output_dir << '\n';
    }
    return galaxyzoo::examples::kExitOk;
  });
}
