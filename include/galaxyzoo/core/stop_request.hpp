#pragma once
/// @file
/// Stopping long work cleanly: a process-wide stop request that training, the
/// hyper-parameter search and the workflow driver check between units of work.
///
/// A cluster's wall-time limit sends SIGTERM; install_stop_handler() turns it (and
/// SIGINT) into request_stop(). Long-running calls then checkpoint, return early, and
/// the program exits with kExitResumable, so a batch system knows to submit it again.
///
/// @code
/// galaxyzoo::install_stop_handler();
/// auto result = trainer.fit(train, &val);
/// if (result.interrupted) return galaxyzoo::kExitResumable;
/// @endcode

namespace galaxyzoo {

/// Exit status of a program that stopped on request and can be resumed ("continue me").
inline constexpr int kExitResumable = 3;

/// Asks every long-running call to checkpoint and return at its next check.
/// Async-signal-safe.
void request_stop() noexcept;
/// Whether a stop was requested (and not yet cleared).
bool stop_requested() noexcept;
/// Clears a stop request.
void clear_stop_request() noexcept;
/// Installs handlers so that SIGTERM and SIGINT call request_stop().
void install_stop_handler();

}  // namespace galaxyzoo
