#define BOOST_TEST_MODULE image_index
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/data/image_index.hpp>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::TempDir;
using gz::testing::write_text;

BOOST_AUTO_TEST_CASE(scan_indexes_galaxy_images_only) {
  TempDir dir;
  write_text(dir / "100008.jpg", "x");
  write_text(dir / "100023.JPG", "x");
  write_text(dir / "notes.txt", "x");
  write_text(dir / "abc.jpg", "x");
  write_text(dir / "100042.jpg.part", "x");
  const auto index = gz::ImageIndex::scan(dir.path());
  BOOST_TEST(index.size() == 2u);
  BOOST_TEST(index.contains(100008));
  BOOST_TEST(index.contains(100023));
  BOOST_TEST(!index.contains(100042));
  BOOST_TEST(index.path(100008) == dir / "100008.jpg");
  BOOST_CHECK_THROW(index.path(1), gz::Error);
}

BOOST_AUTO_TEST_CASE(scan_of_a_missing_folder_names_it) {
  TempDir dir;
  try {
    gz::ImageIndex::scan(dir / "images_training_rev1");
    BOOST_FAIL("no error for a missing folder");
  } catch (const gz::IoError& e) {
    BOOST_TEST(e.path() == dir / "images_training_rev1");
    BOOST_TEST(std::string(e.what()).find("does not exist") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(list_file_names_images_relative_to_the_folder) {
  TempDir dir;
  write_text(dir / "list.txt", "# images\n100008.jpg\n  some/where/100023.jpg \n\n");
  const auto index = gz::ImageIndex::from_list(dir / "list.txt", "imgs");
  BOOST_TEST(index.size() == 2u);
  BOOST_TEST(index.path(100023) ==
             gz::ImageIndex::from_list(dir / "list.txt", "imgs").path(100023));
  BOOST_TEST(index.path(100023).string() == "imgs/100023.jpg");
}

BOOST_AUTO_TEST_CASE(bad_list_line_names_file_and_line) {
  TempDir dir;
  write_text(dir / "list.txt", "100008.jpg\nreadme.md\n");
  try {
    gz::ImageIndex::from_list(dir / "list.txt", "imgs");
    BOOST_FAIL("no error for a bad list line");
  } catch (const gz::InputError& e) {
    BOOST_TEST(e.line() == 2u);
    BOOST_TEST(std::string(e.what()).find("readme.md") != std::string::npos);
  }
  BOOST_CHECK_THROW(gz::ImageIndex::from_list(dir / "missing.txt", "imgs"), gz::IoError);
}

BOOST_AUTO_TEST_CASE(assume_all_reports_every_id) {
  const auto index = gz::ImageIndex::assume_all("imgs");
  BOOST_TEST(index.contains(7));
  BOOST_TEST(index.path(7).string() == "imgs/7.jpg");
}

BOOST_AUTO_TEST_CASE(scan_refuses_a_link_loop_or_a_dangling_link_by_name) {
  // Issue 18: a looping link in images_training_rev1/ aborted create_dataset (an uncaught
  // filesystem_error); leaving the galaxy out would change the dataset, so it is an error.
  TempDir dir;
  write_text(dir / "100008.jpg", "x");
  std::filesystem::create_symlink("100024.jpg", dir / "100023.jpg");
  std::filesystem::create_symlink("100023.jpg", dir / "100024.jpg");
  try {
    gz::ImageIndex::scan(dir.path());
    BOOST_FAIL("no error for a link loop");
  } catch (const gz::IoError& e) {
    BOOST_TEST(e.path() == dir / "100023.jpg");
    BOOST_TEST(std::string(e.what()).find("symbolic-link loop") != std::string::npos, e.what());
  }
  std::filesystem::remove(dir / "100023.jpg");
  std::filesystem::remove(dir / "100024.jpg");
  std::filesystem::create_symlink("gone.jpg", dir / "100042.jpg");
  BOOST_CHECK_EXCEPTION(gz::ImageIndex::scan(dir.path()), gz::IoError, [&](const gz::IoError& e) {
    return std::string(e.what()).find("dangling symbolic link") != std::string::npos;
  });
  std::filesystem::create_symlink("gone.txt", dir / "notes.txt");  // not an image name
  std::filesystem::remove(dir / "100042.jpg");
  BOOST_TEST(gz::ImageIndex::scan(dir.path()).size() == 1u);
}
