#pragma once
/// @file
/// A wall-time limit for long work: a timer that requests a stop (stop_request.hpp)
/// shortly before the limit, so the running step has time to write its checkpoint.
///
/// The stop is requested 10% of the limit earlier, at most a minute earlier. When the
/// object dies (the guarded work returned), the timer is cancelled, and a stop request
/// the timer made itself is cleared, so none is left behind for the caller; a request
/// from a signal stays.
///
/// @code
/// {
///   const galaxyzoo::WallTimeLimit limit(options.maxwalltime_minutes);
///   reports = workflow.run();   // stops at its next check once the limit is near
/// }
/// if (!workflow.finished()) return galaxyzoo::kExitResumable;
/// @endcode

#include <condition_variable>
#include <mutex>
#include <thread>

namespace galaxyzoo {

/// Requests a stop shortly before a wall-time limit; see the file comment.
class WallTimeLimit {
 public:
  /// Starts the timer for a limit of @p minutes from now (0 or less: no limit, no timer).
  explicit WallTimeLimit(double minutes);
  /// Cancels the timer; clears the stop request when the timer made it.
  ~WallTimeLimit();
  WallTimeLimit(const WallTimeLimit&) = delete;
  WallTimeLimit& operator=(const WallTimeLimit&) = delete;

  /// Seconds after the start at which a limit of @p minutes requests its stop: the limit
  /// less 10% of it, less at most 60 s.
  static double stop_after_seconds(double minutes) noexcept;

  /// Whether the timer has requested its stop.
  bool fired() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  bool fired_ = false;
  std::thread timer_;
};

}  // namespace galaxyzoo
