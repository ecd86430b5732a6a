#include "galaxyzoo/model/lr_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "galaxyzoo/core/error.hpp"

namespace galaxyzoo {

bool is_scheduled(const LrSchedule& schedule) noexcept {
  return schedule.warmup_epochs > 0 || schedule.cosine;
}

void check_lr_schedule(const LrSchedule& schedule) {
  if (!(schedule.warmup_epochs >= 0) || !std::isfinite(schedule.warmup_epochs)) {
    throw Error("learning-rate schedule: warmup_epochs must be a finite number >= 0, got " +
                std::to_string(schedule.warmup_epochs));
  }
  if (schedule.decay_epochs < 0) {
    throw Error("learning-rate schedule: decay_epochs must be >= 0, got " +
                std::to_string(schedule.decay_epochs));
  }
  if (!(schedule.final_factor >= 0 && schedule.final_factor <= 1)) {
    throw Error("learning-rate schedule: final_factor must lie in [0, 1], got " +
                std::to_string(schedule.final_factor));
  }
}

double lr_factor(const LrSchedule& schedule, std::int64_t step, std::int64_t steps_per_epoch,
                 std::int64_t epochs) {
  check_lr_schedule(schedule);
  if (steps_per_epoch < 1) throw Error("lr_factor: steps_per_epoch must be at least 1");
  const auto warmup =
      schedule.warmup_epochs > 0
          ? std::max<std::int64_t>(
                1, std::llround(schedule.warmup_epochs * static_cast<double>(steps_per_epoch)))
          : std::int64_t{0};
  if (step < warmup) return static_cast<double>(step + 1) / static_cast<double>(warmup);
  if (!schedule.cosine) return 1.0;
  const std::int64_t decay_end =
      (schedule.decay_epochs > 0 ? schedule.decay_epochs : epochs) * steps_per_epoch;
  const double span = static_cast<double>(decay_end - warmup);
  const double t = span > 0 ? std::min(1.0, static_cast<double>(step - warmup) / span) : 1.0;
  const double pi = std::acos(-1.0);
  return schedule.final_factor + (1 - schedule.final_factor) * 0.5 * (1 + std::cos(pi * t));
}

std::string describe(const LrSchedule& schedule) {
  if (!is_scheduled(schedule)) return "constant";
  std::ostringstream s;
  if (schedule.warmup_epochs > 0) s << "warm-up " << schedule.warmup_epochs << " epochs";
  if (schedule.cosine) {
    if (schedule.warmup_epochs > 0) s << ", ";
    s << "cosine to " << schedule.final_factor << " at ";
    if (schedule.decay_epochs > 0) {
      s << "epoch " << schedule.decay_epochs;
    } else {
      s << "the last epoch";
    }
  }
  return s.str();
}

}  // namespace galaxyzoo
