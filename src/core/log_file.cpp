#include "galaxyzoo/core/log_file.hpp"

#include <fstream>
#include <iostream>
#include <mutex>
#include <streambuf>
#include <string>

#include "galaxyzoo/core/error.hpp"

namespace galaxyzoo {
namespace {

// The file, written whole lines at a time by several streams.
class LineSink {
 public:
  explicit LineSink(const std::filesystem::path& file) : out_(file, std::ios::app) {
    if (!out_) throw IoError(file, "cannot open the log file for appending");
  }
  void write(const std::string& line) {
    std::lock_guard<std::mutex> lock(mutex_);
    out_ << line << std::flush;
  }

 private:
  std::ofstream out_;
  std::mutex mutex_;
};

// A stream buffer that passes everything to the console (if any) and whole lines to the
// file; a '\r' drops the unfinished line from the file (it is being redrawn).
class TeeBuffer : public std::streambuf {
 public:
  TeeBuffer(std::streambuf* console, LineSink& sink) : console_(console), sink_(sink) {}
  ~TeeBuffer() override {
    if (!pending_.empty()) sink_.write(pending_ + '\n');
  }

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char ch = traits_type::to_char_type(c);
    return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
  }

  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (console_ != nullptr && console_->sputn(s, n) != n) return 0;
    for (std::streamsize i = 0; i < n; ++i) {
      if (s[i] == '\n') {
        sink_.write(pending_ + '\n');
        pending_.clear();
      } else if (s[i] == '\r') {
        pending_.clear();
      } else {
        pending_ += s[i];
      }
    }
    return n;
  }

  int sync() override {
    std::lock_guard<std::mutex> lock(mutex_);
    return console_ != nullptr ? console_->pubsync() : 0;
  }

 private:
  std::streambuf* console_;
  LineSink& sink_;
  std::string pending_;
  std::mutex mutex_;
};

}  // namespace

struct LogFile::State {
  explicit State(const std::filesystem::path& file, bool console_stdout)
      : sink(file),
        out_console(std::cout.rdbuf()),
        err_console(std::cerr.rdbuf()),
        out_tee(console_stdout ? out_console : nullptr, sink),
        err_tee(err_console, sink),
        file_tee(nullptr, sink),
        file_stream(&file_tee) {}

  LineSink sink;
  std::streambuf* out_console;
  std::streambuf* err_console;
  TeeBuffer out_tee, err_tee, file_tee;
  std::ostream file_stream;
};

LogFile::LogFile(const std::filesystem::path& file, bool console_stdout)
    : state_(std::make_unique<State>(file, console_stdout)) {
  std::cout.flush();
  std::cout.rdbuf(&state_->out_tee);
  std::cerr.rdbuf(&state_->err_tee);
}

LogFile::~LogFile() {
  std::cout.flush();
  std::cerr.flush();
  std::cout.rdbuf(state_->out_console);
  std::cerr.rdbuf(state_->err_console);
}

std::ostream& LogFile::stream() { return state_->file_stream; }

}  // namespace galaxyzoo
