#pragma once
/// @file
/// What training achieved per epoch, and the three ways the user sees it: one console
/// line per epoch, the history CSV and the loss plot.
///
/// EpochStats::epoch counts from 0 inside the library (the trainer, its checkpoint, the
/// search's intermediate values); everything shown to the user counts from 1: the line
/// of format_epoch_line(), the epoch column of write_history_csv() and the x axis of
/// training_curves(). No Torch.
///
/// @code
/// options.on_epoch = [&](const galaxyzoo::EpochStats& e) {
///   std::cout << galaxyzoo::format_epoch_line(e, options.epochs) << '\n';
/// };
/// options.on_history = [](const std::vector<galaxyzoo::EpochStats>& history) {
///   galaxyzoo::write_training_history(history, "history_vgg16.csv", "loss_vgg16.png");
/// };
/// @endcode

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "galaxyzoo/images/image.hpp"

namespace galaxyzoo {

/// What one epoch achieved.
struct EpochStats {
  std::int64_t epoch = 0;        ///< 0-based inside the library; shown to the user as epoch + 1
  double train_loss = 0;         ///< mean cross-entropy over the epoch's training batches
  double train_accuracy = 0;     ///< fraction of training images classified right
  double val_loss = 0;           ///< mean validation cross-entropy (NaN without validation)
  double val_accuracy = 0;       ///< fraction of validation images right (NaN without validation)
  double seconds = 0;            ///< wall-clock time of the epoch
  double images_per_second = 0;  ///< training throughput
};

/// The console line of an epoch out of @p epochs, epochs counted from 1, without
/// indentation or newline, e.g.
/// `epoch 3/10  train loss 1.2345 acc 0.456  val loss 1.3456 acc 0.400  123.4 images/s  56 s`.
std::string format_epoch_line(const EpochStats& stats, std::int64_t epochs);

/// The loss (left) and accuracy (right) of each epoch (from 1), train and validation
/// (when there was validation), as a plot.
Image training_curves(const std::vector<EpochStats>& history);

/// Writes the history as CSV (epoch, train_loss, train_accuracy, val_loss, val_accuracy,
/// seconds, images_per_second), epochs counted from 1, atomically.
/// @throws IoError if the file cannot be written.
void write_history_csv(const std::vector<EpochStats>& history, const std::filesystem::path& file);

/// Emits the "epoch" event of @p stats out of @p epochs (event_log.hpp: epoch counted
/// from 1, epochs, the losses and accuracies, seconds, images_per_second), if an event
/// sink is set; the trainer calls it on rank 0 after every epoch.
void emit_epoch_event(const EpochStats& stats, std::int64_t epochs);

/// Writes the history CSV (write_history_csv()) and the curves (training_curves()) as a
/// PNG, each atomically: what run_training() does after every epoch, so that a running
/// job can be watched.
/// @throws IoError if a file cannot be written.
void write_training_history(const std::vector<EpochStats>& history,
                            const std::filesystem::path& csv, const std::filesystem::path& png);

}  // namespace galaxyzoo
