#pragma once
/// @file
/// A log file of everything a program prints: while a LogFile lives, what is written to
/// std::cout and std::cerr also goes to the file, a line at a time, without carriage
/// returns: text that is redrawn in place on a terminal (a carriage return before the
/// line ends) is left out of the file, which gets progress as plain lines through
/// stream() instead (ProgressOutput::log).
///
/// @code
/// galaxyzoo::LogFile log("train.log");
/// galaxyzoo::ProgressOutput progress = galaxyzoo::ProgressOutput::standard_error();
/// if (progress.terminal) progress.log = &log.stream();
/// galaxyzoo::set_progress_output(progress);
/// @endcode

#include <filesystem>
#include <memory>
#include <ostream>

namespace galaxyzoo {

/// Copies std::cout and std::cerr into a file while it lives; see the file comment.
class LogFile {
 public:
  /// Opens @p file for appending and starts copying. With @p console_stdout false, what
  /// is written to std::cout goes to the file only (a quiet console).
  /// @throws IoError if the file cannot be opened.
  explicit LogFile(const std::filesystem::path& file, bool console_stdout = true);
  /// Stops copying (the streams write to the console alone again) and closes the file.
  ~LogFile();
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;

  /// A stream into the file alone, a line at a time.
  std::ostream& stream();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace galaxyzoo
