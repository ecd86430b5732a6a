#pragma once
// LibTorch archives stored as sealed files (sealed_file.hpp), and typed reading of their
// keys: what the model file (vgg16_classifier.cpp) and the training checkpoint
// (trainer.cpp) share. Private to src/.

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <cstdint>
#include <filesystem>
#include <sstream>
#include <string>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/sealed_file.hpp"

namespace galaxyzoo::detail {

/// Writes @p archive to @p path as a sealed file, atomically.
inline void save_sealed_archive(torch::serialize::OutputArchive& archive,
                                const std::filesystem::path& path,
                                KeepPrevious keep = KeepPrevious::no) {
  std::ostringstream bytes;
  archive.save_to(bytes);
  write_sealed_file(path, bytes.str(), keep);
}

/// An archive read back from a sealed file, with reads of its keys that check the type
/// and name the file and key when something is missing or of the wrong kind.
class SealedArchive {
 public:
  /// @throws IoError if @p path cannot be read; CorruptFileError if it is damaged or not
  ///         an archive; @p what ("checkpoint", "classifier file") goes into the messages.
  SealedArchive(std::filesystem::path path, std::string what)
      : path_(std::move(path)), what_(std::move(what)) {
    std::istringstream bytes(read_sealed_file(path_));
    try {
      archive_.load_from(bytes, torch::kCPU);
    } catch (const std::exception& e) {
      throw CorruptFileError(path_, "sealed, but not a LibTorch archive: " + first_line(e.what()));
    }
  }

  const std::filesystem::path& path() const noexcept { return path_; }
  torch::serialize::InputArchive& archive() noexcept { return archive_; }

  /// The value of @p key, which must be there.
  c10::IValue value(const std::string& key) {
    c10::IValue v;
    bool found = false;
    try {
      found = archive_.try_read(key, v);
    } catch (const std::exception& e) {
      throw bad(key, "unreadable: " + first_line(e.what()));
    }
    if (!found) throw bad(key, "missing");
    return v;
  }
  std::string text(const std::string& key) {
    const c10::IValue v = value(key);
    if (!v.isString()) throw bad(key, "not a string");
    return v.toStringRef();
  }
  std::int64_t integer(const std::string& key) {
    const c10::IValue v = value(key);
    if (!v.isInt()) throw bad(key, "not an integer");
    return v.toInt();
  }
  double real(const std::string& key) {
    const c10::IValue v = value(key);
    if (!v.isDouble()) throw bad(key, "not a number");
    return v.toDouble();
  }
  bool flag(const std::string& key) {
    const c10::IValue v = value(key);
    if (!v.isBool()) throw bad(key, "not true or false");
    return v.toBool();
  }
  /// The tensor under @p key.
  torch::Tensor tensor(const std::string& key) {
    torch::Tensor t;
    try {
      if (archive_.try_read(key, t)) return t;
    } catch (const std::exception& e) {
      throw bad(key, "unreadable: " + first_line(e.what()));
    }
    throw bad(key, "missing");
  }
  /// The sub-archive under @p key.
  void sub_archive(const std::string& key, torch::serialize::InputArchive& into) {
    bool found = false;
    try {
      found = archive_.try_read(key, into);
    } catch (const std::exception& e) {
      throw bad(key, "unreadable: " + first_line(e.what()));
    }
    if (!found) throw bad(key, "missing");
  }

  /// An error about key @p key: "'PATH': CHECKPOINT: key 'KEY': PROBLEM".
  Error bad(const std::string& key, const std::string& problem) const {
    return Error("'" + path_.string() + "': " + what_ + ": key '" + key + "': " + problem);
  }

  /// The first line of a LibTorch message (the rest is a C++ stack trace).
  static std::string first_line(const std::string& message) {
    return message.substr(0, message.find('\n'));
  }

 private:
  std::filesystem::path path_;
  std::string what_;
  torch::serialize::InputArchive archive_;
};

}  // namespace galaxyzoo::detail
