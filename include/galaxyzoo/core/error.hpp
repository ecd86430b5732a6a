#pragma once
/// @file
/// The exceptions galaxyzoo throws.
///
/// Every error the library raises derives from galaxyzoo::Error, so a program can catch
/// one type. Messages name the culprit (file, line, column or key) and what was expected:
///
/// @code
/// try {
///   auto table = galaxyzoo::read_vote_table("training_solutions_rev1.csv");
/// } catch (const galaxyzoo::InputError& e) {
///   std::cerr << e.what() << '\n';  // "training_solutions_rev1.csv:17: column 'Class1.1': ..."
///   std::cerr << e.file() << " line " << e.line() << '\n';
/// }
/// @endcode

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace galaxyzoo {

/// Base class of every exception thrown by galaxyzoo.
class Error : public std::runtime_error {
 public:
  /// An error whose what() is @p message.
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// Bad input data: a file whose content is not what was expected.
///
/// what() reads "FILE:LINE: column 'KEY': PROBLEM"; the parts are also available on their
/// own. line() is 1-based (the header of a CSV is line 1) and 0 when the problem is
/// not tied to one line; key() is empty when it is not tied to one column or key.
class InputError : public Error {
 public:
  /// An error in @p file at @p line (0: none) in column or key @p key (empty: none);
  /// @p problem says what is wrong and what was expected.
  InputError(std::filesystem::path file, std::size_t line, std::string key,
             const std::string& problem);

  /// The file with the bad content.
  const std::filesystem::path& file() const noexcept { return file_; }
  /// The 1-based line, or 0 if the problem is not tied to one line.
  std::size_t line() const noexcept { return line_; }
  /// The column or key, or empty if the problem is not tied to one.
  const std::string& key() const noexcept { return key_; }

 private:
  std::filesystem::path file_;
  std::size_t line_;
  std::string key_;
};

/// A file-system operation failed (missing folder, unwritable output, full disk).
///
/// what() names the path and the operating system's reason.
class IoError : public Error {
 public:
  /// An error on @p path; @p problem is the reason, usually the operating system's.
  IoError(std::filesystem::path path, const std::string& problem);

  /// The path the operation failed on.
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

/// A file that exists but whose content is damaged: truncated, torn by a crash in the
/// middle of a write, or with flipped bytes (a sealed file's checksum, sealed_file.hpp;
/// a study database's integrity check, sqlite_storage.hpp). Where an older copy is kept
/// the library falls back to it; this error means there was none, or it was damaged too.
class CorruptFileError : public IoError {
 public:
  using IoError::IoError;
};

}  // namespace galaxyzoo
