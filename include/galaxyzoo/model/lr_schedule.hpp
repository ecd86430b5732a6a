#pragma once
/// @file
/// How the learning rates change during training: an optional linear warm-up, then the
/// base rates or a cosine decay. The trainer multiplies both parameter groups' rates by
/// lr_factor() before every batch (TrainerOptions::schedule); the default, no warm-up and
/// no decay, keeps the rates constant as the original did. No Torch.
///
/// @code
/// galaxyzoo::LrSchedule schedule;
/// schedule.warmup_epochs = 1;   // rates rise linearly over the first epoch's batches
/// schedule.cosine = true;       // then fall along a half cosine ...
/// schedule.decay_epochs = 10;   // ... to final_factor at the end of epoch 10
/// double f = galaxyzoo::lr_factor(schedule, step, batches_per_epoch, epochs);
/// @endcode
///
/// The factor depends on the step (the batch's number counted from the run's start) alone,
/// so a resumed run continues the same curve. With decay_epochs fixed, a run of fewer
/// epochs (a search trial) follows the first part of a longer run's curve exactly, so the
/// longer run can continue its checkpoint (TrainingRunOptions::continue_from).

#include <cstdint>
#include <string>

namespace galaxyzoo {

/// A learning-rate schedule; see the file comment.
struct LrSchedule {
  /// Epochs of linear warm-up: the factor of step s is (s + 1) / W for the first
  /// W = warmup_epochs x batches per epoch steps (rounded, at least 1). 0: none.
  double warmup_epochs = 0;
  /// After the warm-up, decay along a half cosine from 1 to final_factor, reached at the
  /// end of epoch decay_epochs, and stay there. false: a factor of 1 after the warm-up.
  bool cosine = false;
  /// Epoch at whose end the cosine reaches final_factor (0: the run's epochs).
  std::int64_t decay_epochs = 0;
  /// The cosine's last factor, in [0, 1].
  double final_factor = 0;
};

/// Whether @p schedule changes the rates at all (a warm-up or a decay).
bool is_scheduled(const LrSchedule& schedule) noexcept;

/// The factor of the base learning rates at step @p step (0-based, counted over the whole
/// run) when an epoch has @p steps_per_epoch steps and the run @p epochs epochs.
/// @throws Error for a schedule check_lr_schedule() refuses or steps_per_epoch < 1.
double lr_factor(const LrSchedule& schedule, std::int64_t step, std::int64_t steps_per_epoch,
                 std::int64_t epochs);

/// @throws Error saying which field is wrong: a negative or non-finite warmup_epochs, a
///         negative decay_epochs, a final_factor outside [0, 1].
void check_lr_schedule(const LrSchedule& schedule);

/// The schedule in words, e.g. "warm-up 1 epoch, cosine to 0 at epoch 10", or "constant".
std::string describe(const LrSchedule& schedule);

}  // namespace galaxyzoo
