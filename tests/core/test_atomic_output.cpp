#define BOOST_TEST_MODULE atomic_output
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/atomic_output.hpp>
#include <galaxyzoo/core/error.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
namespace fs = std::filesystem;
using gz::testing::read_text;
using gz::testing::TempDir;
using gz::testing::write_text;

namespace {

std::size_t entries_in(const fs::path& p) {
  return static_cast<std::size_t>(
      std::distance(fs::directory_iterator(p), fs::directory_iterator()));
}

std::string this_host() {
  char host[256] = {};
  BOOST_REQUIRE(::gethostname(host, sizeof host - 1) == 0);
  return host;
}

// The process id of a process of this host that has exited.
std::string exited_pid() {
  const pid_t gone = ::fork();
  if (gone == 0) ::_exit(0);
  int status = 0;
  ::waitpid(gone, &status, 0);
  return std::to_string(gone);
}

}  // namespace

BOOST_AUTO_TEST_CASE(file_is_written_and_replaced_without_temporaries) {
  TempDir dir;
  gz::write_file_atomically(dir / "sub" / "a.txt", "first");
  BOOST_TEST(read_text(dir / "sub" / "a.txt") == "first");
  gz::write_file_atomically(dir / "sub" / "a.txt", "second");
  BOOST_TEST(read_text(dir / "sub" / "a.txt") == "second");
  BOOST_TEST(entries_in(dir / "sub") == 1u);
}

BOOST_AUTO_TEST_CASE(failed_file_write_leaves_the_old_content) {
  TempDir dir;
  write_text(dir / "a.txt", "old");
  // The destination's parent is a file: the write cannot even start.
  write_text(dir / "file", "x");
  BOOST_CHECK_THROW(gz::write_file_atomically(dir / "file" / "a.txt", "new"), gz::IoError);
  // Renaming over a folder fails after the data were written: the temporary goes away.
  fs::create_directories(dir / "folder" / "inside");
  BOOST_CHECK_THROW(gz::write_file_atomically(dir / "folder", "new"), gz::IoError);
  BOOST_TEST(read_text(dir / "a.txt") == "old");
  BOOST_TEST(entries_in(dir.path()) == 3u);
}

BOOST_AUTO_TEST_CASE(read_only_folder_is_reported, *boost::unit_test::precondition([](auto) {
                       return ::geteuid() != 0;  // root ignores permissions
                     })) {
  TempDir dir;
  fs::create_directories(dir / "ro");
  fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  BOOST_CHECK_THROW(gz::write_file_atomically(dir / "ro" / "a.txt", "x"), gz::IoError);
  BOOST_CHECK_THROW(gz::StagingDirectory(dir / "ro" / "out"), gz::IoError);
  fs::permissions(dir / "ro", fs::perms::owner_all);
}

BOOST_AUTO_TEST_CASE(temporaries_of_killed_writers_are_removed) {
  TempDir dir;
  const std::string host = this_host();
  const std::string me = std::to_string(::getpid());
  const std::string dead = exited_pid();
  const std::vector<std::string> names = {
      ".a.pt.tmp-" + host + "-" + dead + "-0123abcd",            // killed here: removed
      ".a.pt.tmp-" + host + "-" + me + "-0123abcd",              // alive (this process)
      ".a.pt.tmp-" + host + "-elsewhere-" + dead + "-0123abcd",  // another host
      ".a.pt.tmp-garbage",                                       // not ours to judge
      ".b.pt.tmp-" + host + "-" + dead + "-0123abcd",            // another file's
  };
  for (const auto& name : names) write_text(dir / name, "partial");
  BOOST_TEST(gz::remove_abandoned_temporaries(dir / "a.pt") == 1u);
  BOOST_TEST(!fs::exists(dir / names[0]));
  for (std::size_t i = 1; i < names.size(); ++i) BOOST_TEST(fs::exists(dir / names[i]), names[i]);
  // A whole folder at once, staging folders included.
  fs::create_directories(dir / (".data.staging-" + host + "-" + dead + "-0123abcd") / "images");
  write_text(dir / (".c.jpg.tmp-" + host + "-" + dead + "-0123abcd"), "partial");
  BOOST_TEST(gz::remove_abandoned_temporaries_in(dir.path()) ==
             3u);  // b.pt's, c.jpg's, the staging folder
  for (std::size_t i = 1; i < 4; ++i) BOOST_TEST(fs::exists(dir / names[i]), names[i]);
  BOOST_TEST(!fs::exists(dir / names[4]));
  // The names this library gives its own temporaries are understood: none is left
  // beside a file after a write.
  gz::write_file_atomically(dir / "a.pt", "whole");
  BOOST_TEST(gz::remove_abandoned_temporaries(dir / "a.pt") == 0u);
}

BOOST_AUTO_TEST_CASE(output_folder_is_created_and_swept) {
  TempDir dir;
  const fs::path out = dir / "a" / "b";
  gz::prepare_output_folder(out);
  BOOST_TEST(fs::is_directory(out));
  // What a killed writer of this host left there goes; files of others stay.
  const std::string abandoned = ".x.jpg.tmp-" + this_host() + "-" + exited_pid() + "-0123abcd";
  write_text(out / abandoned, "partial");
  write_text(out / "y.jpg", "whole");
  gz::prepare_output_folder(out);
  BOOST_TEST(!fs::exists(out / abandoned));
  BOOST_TEST(read_text(out / "y.jpg") == "whole");
  // A file where the folder should be.
  try {
    gz::prepare_output_folder(out / "y.jpg");
    BOOST_ERROR("no error for a file in the way");
  } catch (const gz::IoError& e) {
    BOOST_TEST(e.path() == out / "y.jpg");
    BOOST_TEST(std::string(e.what()).find("cannot create output folder") != std::string::npos,
               e.what());
  }
}

BOOST_AUTO_TEST_CASE(a_stamp_that_differs_is_removed) {
  TempDir dir;
  const fs::path stamp = dir / ".stamp.json";
  BOOST_TEST(!gz::stamp_matches(stamp, "{}"));  // none yet
  write_text(stamp, "{\"quality\":90}");
  BOOST_TEST(gz::stamp_matches(stamp, "{\"quality\":90}"));
  BOOST_TEST(fs::exists(stamp));
  BOOST_TEST(!gz::stamp_matches(stamp, "{\"quality\":80}"));
  BOOST_TEST(!fs::exists(stamp));  // removed before anything new is written
  // A folder where the stamp should be reads as no stamp.
  fs::create_directories(stamp);
  BOOST_TEST(!gz::stamp_matches(stamp, "x"));
  BOOST_TEST(!fs::exists(stamp));  // an empty folder in the way goes too
}

BOOST_AUTO_TEST_CASE(staging_directory_appears_only_on_commit) {
  TempDir dir;
  {
    gz::StagingDirectory staging(dir / "out");
    write_text(staging.path() / "x.txt", "x");
    BOOST_TEST(!fs::exists(dir / "out"));
    BOOST_TEST(staging.path().parent_path() == dir.path());
    staging.commit();
  }
  BOOST_TEST(read_text(dir / "out" / "x.txt") == "x");
  BOOST_TEST(entries_in(dir.path()) == 1u);
}

BOOST_AUTO_TEST_CASE(abandoned_staging_directory_is_removed) {
  TempDir dir;
  try {
    gz::StagingDirectory staging(dir / "out");
    write_text(staging.path() / "x.txt", "x");
    throw std::runtime_error("simulated failure half-way");
  } catch (const std::runtime_error&) {
  }
  BOOST_TEST(entries_in(dir.path()) == 0u);
}

BOOST_AUTO_TEST_CASE(existing_folder_is_protected_or_replaced) {
  TempDir dir;
  write_text(dir / "out" / "old.txt", "old");
  BOOST_CHECK_THROW(gz::StagingDirectory(dir / "out"), gz::IoError);
  {
    gz::StagingDirectory staging(dir / "out", gz::StagingDirectory::Existing::replace);
    write_text(staging.path() / "new.txt", "new");
    staging.commit();
  }
  BOOST_TEST(!fs::exists(dir / "out" / "old.txt"));
  BOOST_TEST(read_text(dir / "out" / "new.txt") == "new");
  BOOST_TEST(entries_in(dir.path()) == 1u);

  // An existing empty folder is simply taken over.
  fs::create_directories(dir / "empty");
  gz::StagingDirectory staging(dir / "empty");
  staging.commit();
  BOOST_TEST(fs::is_directory(dir / "empty"));
}
