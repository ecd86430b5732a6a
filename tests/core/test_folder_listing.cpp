#define BOOST_TEST_MODULE folder_listing
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <filesystem>
#include <string>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/core/folder_listing.hpp>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
namespace fs = std::filesystem;
using gz::testing::TempDir;

namespace {

bool jpg(const std::string& name) {
  return name.size() > 4 && name.compare(name.size() - 4, 4, ".jpg") == 0;
}

// The message of the IoError that @p f throws (empty if it throws none).
template <class F>
std::string io_error_of(F f) {
  try {
    f();
  } catch (const gz::IoError& e) {
    return e.what();
  }
  return {};
}

}  // namespace

BOOST_AUTO_TEST_CASE(lists_wanted_files_sorted_and_leaves_folders_out) {
  TempDir dir;
  gz::testing::write_text(dir / "b.jpg", "b");
  gz::testing::write_text(dir / "a.jpg", "a");
  gz::testing::write_text(dir / "notes.txt", "n");
  fs::create_directory(dir / "sub.jpg");
  fs::create_symlink("a.jpg", dir / "c.jpg");  // a good link is a file
  const auto listing = gz::list_folder(dir.path(), jpg);
  BOOST_REQUIRE_EQUAL(listing.files.size(), 3u);
  BOOST_TEST(listing.files[0] == dir / "a.jpg");
  BOOST_TEST(listing.files[1] == dir / "b.jpg");
  BOOST_TEST(listing.files[2] == dir / "c.jpg");
  BOOST_TEST(listing.skipped.empty());
  BOOST_TEST(listing.warnings().empty());
  listing.require_no_skipped();  // nothing to refuse
}

BOOST_AUTO_TEST_CASE(loops_and_dangling_links_are_skipped_by_name) {
  TempDir dir;
  gz::testing::write_text(dir / "good.jpg", "g");
  fs::create_symlink("a.jpg", dir / "b.jpg");
  fs::create_symlink("b.jpg", dir / "a.jpg");
  fs::create_symlink("gone.jpg", dir / "dangling.jpg");
  fs::create_symlink("gone.txt", dir / "ignored.txt");  // not wanted: not looked at
  const auto listing = gz::list_folder(dir.path(), jpg);
  BOOST_REQUIRE_EQUAL(listing.files.size(), 1u);
  BOOST_TEST(listing.files[0] == dir / "good.jpg");
  BOOST_REQUIRE_EQUAL(listing.skipped.size(), 3u);
  BOOST_TEST(listing.skipped[0].path == dir / "a.jpg");
  BOOST_TEST(listing.skipped[0].reason == "a symbolic-link loop");
  BOOST_TEST(listing.skipped[1].reason == "a symbolic-link loop");
  BOOST_TEST(listing.skipped[2].path == dir / "dangling.jpg");
  BOOST_TEST(listing.skipped[2].reason == "a dangling symbolic link");
  const auto lines = listing.warnings();
  BOOST_REQUIRE_EQUAL(lines.size(), 3u);
  BOOST_TEST(lines[2] ==
             "skipped '" + (dir / "dangling.jpg").string() + "': a dangling symbolic link");
  const std::string refusal = io_error_of([&] { listing.require_no_skipped(); });
  BOOST_TEST(refusal.find((dir / "a.jpg").string()) != std::string::npos, refusal);
  BOOST_TEST(refusal.find("a symbolic-link loop") != std::string::npos, refusal);
  BOOST_TEST(refusal.find("2 more") != std::string::npos, refusal);
}

BOOST_AUTO_TEST_CASE(unreadable_entries_are_skipped) {
  if (::geteuid() == 0) {
    BOOST_TEST_MESSAGE("running as root: permissions do not stop reading, skipped");
    return;
  }
  TempDir dir;
  gz::testing::write_text(dir / "good.jpg", "g");
  gz::testing::write_text(dir / "locked.jpg", "l");
  fs::permissions(dir / "locked.jpg", fs::perms::none);
  const auto listing = gz::list_folder(dir.path(), jpg);
  fs::permissions(dir / "locked.jpg", fs::perms::owner_all);
  BOOST_REQUIRE_EQUAL(listing.files.size(), 1u);
  BOOST_REQUIRE_EQUAL(listing.skipped.size(), 1u);
  BOOST_TEST(listing.skipped[0].path == dir / "locked.jpg");
  BOOST_TEST(listing.skipped[0].reason.find("unreadable") == 0u, listing.skipped[0].reason);

  // An unreadable folder is an error naming it.
  fs::create_directory(dir / "closed");
  fs::permissions(dir / "closed", fs::perms::none);
  const std::string message = io_error_of([&] { gz::list_folder(dir / "closed", jpg); });
  fs::permissions(dir / "closed", fs::perms::owner_all);
  BOOST_TEST(message.find("closed") != std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(a_missing_folder_or_a_file_is_an_error_naming_it) {
  TempDir dir;
  const std::string missing =
      io_error_of([&] { gz::list_folder(dir / "nonexistent", jpg, "image folder"); });
  BOOST_TEST(missing.find("'" + (dir / "nonexistent").string() + "'") != std::string::npos,
             missing);
  BOOST_TEST(missing.find("image folder does not exist") != std::string::npos, missing);
  gz::testing::write_text(dir / "file.jpg", "f");
  const std::string file = io_error_of([&] { gz::list_folder(dir / "file.jpg", jpg); });
  BOOST_TEST(file.find("is not a folder") != std::string::npos, file);
  fs::create_symlink("nowhere", dir / "link");
  const std::string link = io_error_of([&] { gz::list_folder(dir / "link", jpg); });
  BOOST_TEST(link.find("dangling symbolic link") != std::string::npos, link);
  fs::create_directory(dir / "empty");
  BOOST_TEST(gz::list_folder(dir / "empty", jpg).files.empty());
}
