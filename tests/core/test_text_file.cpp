#define BOOST_TEST_MODULE text_file
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <string>
#include <vector>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/core/text_file.hpp>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;

BOOST_AUTO_TEST_CASE(reads_every_byte) {
  gz::testing::TempDir dir;
  const std::string content("line 1\r\nline 2\n\0tail", 20);
  {
    std::ofstream out(dir / "t.txt", std::ios::binary);
    out << content;
  }
  BOOST_TEST(gz::read_text_file(dir / "t.txt", "test file") == content);
  std::ofstream(dir / "empty.txt").close();
  BOOST_TEST(gz::read_text_file(dir / "empty.txt", "test file").empty());
}

BOOST_AUTO_TEST_CASE(a_missing_file_is_an_error_naming_it) {
  gz::testing::TempDir dir;
  try {
    gz::read_text_file(dir / "missing.json", "search-space file");
    BOOST_FAIL("no error");
  } catch (const gz::IoError& e) {
    const std::string message = e.what();
    BOOST_TEST(message.find("missing.json") != std::string::npos);
    BOOST_TEST(message.find("cannot open the search-space file") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(a_name_list_keeps_names_in_order_without_blanks_and_comments) {
  gz::testing::TempDir dir;
  {
    std::ofstream out(dir / "list.txt", std::ios::binary);
    out << "# shard 1 of 2\n  b_proc.jpg \r\n\n\ta.jpg\nname with space.jpg";
  }
  const auto names = gz::read_name_list(dir / "list.txt", "file list");
  BOOST_TEST(names == (std::vector<std::string>{"b_proc.jpg", "a.jpg", "name with space.jpg"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_empty_name_list_or_a_nul_is_an_error_naming_the_file) {
  gz::testing::TempDir dir;
  std::ofstream(dir / "empty.txt") << "# nothing\n\n";
  try {
    gz::read_name_list(dir / "empty.txt", "file list");
    BOOST_FAIL("no error");
  } catch (const gz::InputError& e) {
    BOOST_TEST(std::string(e.what()).find("empty.txt") != std::string::npos);
    BOOST_TEST(std::string(e.what()).find("names no file") != std::string::npos);
  }
  {
    std::ofstream out(dir / "nul.txt", std::ios::binary);
    out << "a.jpg\nb" << '\0' << ".jpg\n";
  }
  try {
    gz::read_name_list(dir / "nul.txt", "file list");
    BOOST_FAIL("no error");
  } catch (const gz::InputError& e) {
    BOOST_TEST(e.line() == 2u);
    BOOST_TEST(std::string(e.what()).find("nul.txt") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(csv_fields_keep_empty_ones) {
  using V = std::vector<std::string>;
  BOOST_TEST(gz::split_csv_fields("a,b,c") == (V{"a", "b", "c"}));
  BOOST_TEST(gz::split_csv_fields("a,,b,") == (V{"a", "", "b", ""}));
  BOOST_TEST(gz::split_csv_fields(",") == (V{"", ""}));
  BOOST_TEST(gz::split_csv_fields("").empty());
}
