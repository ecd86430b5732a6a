#define BOOST_TEST_MODULE text_file
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <string>

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
