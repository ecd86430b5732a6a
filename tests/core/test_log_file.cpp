#define BOOST_TEST_MODULE log_file
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/log_file.hpp"
#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
namespace fs = std::filesystem;
using gz::testing::TempDir;

namespace {

// std::cout and std::cerr write into strings while it lives (the "console").
struct Console {
  std::ostringstream out, err;
  std::streambuf* old_out = std::cout.rdbuf(out.rdbuf());
  std::streambuf* old_err = std::cerr.rdbuf(err.rdbuf());
  ~Console() {
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(the_file_gets_both_streams_without_redrawn_lines) {
  TempDir dir;
  const fs::path file = dir / "run.log";
  Console console;
  {
    gz::LogFile log(file);
    std::cout << "Training on data\n";
    std::cerr << "\rbatch 1/3" << std::flush << "\rbatch 2/3" << std::flush << "\r         \r";
    std::cerr << "warning: something\n";
    log.stream() << "batch 3/3  plain\n";
    std::cout << "epoch 1/1 done\n";
  }
  std::cout << "after the log\n";
  // The console got everything, the carriage returns included.
  BOOST_TEST(console.out.str() == "Training on data\nepoch 1/1 done\nafter the log\n");
  BOOST_TEST(console.err.str().find("\rbatch 2/3") != std::string::npos);
  BOOST_TEST(gz::testing::read_text(file) ==
             "Training on data\nwarning: something\nbatch 3/3  plain\nepoch 1/1 done\n");
}

BOOST_AUTO_TEST_CASE(a_quiet_console_still_logs_standard_output) {
  TempDir dir;
  const fs::path file = dir / "quiet.log";
  Console console;
  {
    gz::LogFile log(file, /*console_stdout=*/false);
    std::cout << "result line\n";
    std::cerr << "error line\n";
  }
  BOOST_TEST(console.out.str().empty());
  BOOST_TEST(console.err.str() == "error line\n");
  BOOST_TEST(gz::testing::read_text(file) == "result line\nerror line\n");
}

BOOST_AUTO_TEST_CASE(the_log_is_appended_to) {
  TempDir dir;
  const fs::path file = dir / "twice.log";
  Console console;
  for (int run = 1; run <= 2; ++run) {
    gz::LogFile log(file);
    std::cout << "run " << run << '\n';
  }
  BOOST_TEST(gz::testing::read_text(file) == "run 1\nrun 2\n");
}

BOOST_AUTO_TEST_CASE(an_unwritable_log_names_the_file) {
  TempDir dir;
  const fs::path file = dir / "no_such_folder" / "run.log";
  BOOST_CHECK_EXCEPTION(gz::LogFile{file}, gz::IoError, [](const gz::IoError& e) {
    return std::string(e.what()).find("run.log") != std::string::npos;
  });
}
